package callbridge.record;

import callbridge.logging.RateLimitedLog;
import callbridge.time.Deadline;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Writes ended calls' records into a {@link RecordFiles} directory. Records are small: one writer thread
 * writes them in the order they come, so a slow disk holds up no call. A recording is not small: an hour
 * of it is a 115 MB WAV to build from its two sides, 13 s of disk work that every other call's record used
 * to wait behind on that one thread. So each recording is finished into its WAV on a (virtual) thread of
 * its own, and the call's record joins the writer's queue once the WAV is in place, or has failed.
 *
 * <p>Closing waits, until a deadline, for the recordings being finished and the records waiting. A
 * recording still unfinished then is dropped: its temporary files are deleted, so no part of it outlives
 * the process, and its record is written without it. Records are then given {@link #CLOSE_PATIENCE} to be
 * written. Bounded: {@link #MAX_QUEUED} records waiting, {@link #MAX_FINISHING} recordings being finished.
 */
final class RecordWriter {
    /** Records waiting to be written; more means the disk has stopped keeping up. */
    static final int MAX_QUEUED = 256;
    /**
     * Recordings being finished at once, each with its two sides' files on the disk: as many as the records
     * that may wait. Past it the disk is far behind, and a recording is dropped so its record can be written.
     */
    static final int MAX_FINISHING = MAX_QUEUED;
    /**
     * Recordings assembled into their WAV at the same time: each is a sequential read and write of up to
     * 115 MB on the one records disk, so more at once only share its bandwidth; the rest wait their turn
     * (a waiting virtual thread holds nothing else). Another call's record never waits on any of them.
     */
    static final int MAX_ASSEMBLING = 2;
    /** How long closing waits, once the deadline has passed, for the records still waiting to be written. */
    static final Duration CLOSE_PATIENCE = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(RecordWriter.class.getName());
    private static final RateLimitedLog WRITE_FAILED = RateLimitedLog.of(LOG, Level.ERROR);

    private final RecordFiles files;
    private final BlockingQueue<Runnable> writes = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Thread writer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a recording has been finished or a record written. */
    private final Condition progress = lock.newCondition();
    /** Recordings being finished, by call, with the record waiting for each; guarded by {@link #lock}. */
    private final Map<CallJournal, Ended> finishing = new LinkedHashMap<>();
    private final Semaphore assembling = new Semaphore(MAX_ASSEMBLING);
    /** Records handed to the writer and not yet written (or failed); guarded by {@link #lock}. */
    private int unwritten;
    /** Once closed, a call that ends is written without its recording, and no recording is started. */
    private boolean closed;

    /** An ended call's record, and who hears of it once it has its recording. */
    private record Ended(CallRecord record, Consumer<CallRecord> completed) {
    }

    private RecordWriter(RecordFiles files) {
        this.files = files;
        this.writer = Thread.ofVirtual().name("call records").start(this::writeInOrder);
    }

    /**
     * Starts writing into {@code files}, having deleted the temporary files a process killed while it wrote
     * there left behind: nothing else would ever delete them.
     */
    static RecordWriter start(RecordFiles files) {
        try {
            RecordFiles.Sweep swept = files.sweepLeftovers();
            if (swept.files() > 0) {
                LOG.log(Level.INFO, "removed {0} temporary file(s), {1} bytes, left in {2} by an earlier run",
                        swept.files(), swept.bytes(), files.directory());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not look for temporary files left in {0}: {1}", files.directory(), e.toString());
        }
        return new RecordWriter(files);
    }

    /**
     * Writes {@code record}, the record of the call {@code journal} kept, once the call's recording (if it has
     * one) is finished; {@code completed} hears of the record with its recording before it is written.
     * Returns at once.
     */
    void write(CallJournal journal, CallRecord record, Consumer<CallRecord> completed) {
        Ended ended = new Ended(record, completed);
        if (journal.recording() == CallRecording.OFF) {
            queue(ended);
            return;
        }
        String refused; // why the recording is dropped, or null when it is finished
        lock.lock();
        try {
            refused = closed ? "the server is shutting down"
                    : finishing.size() >= MAX_FINISHING ? MAX_FINISHING + " recordings were being finished" : null;
            if (refused == null) {
                finishing.put(journal, ended);
            }
        } finally {
            lock.unlock();
        }
        if (refused == null) {
            Thread.ofVirtual().name("recording " + record.callSid()).start(() -> finish(journal));
        } else {
            journal.recording().discard();
            WRITE_FAILED.log("call {0}: recording dropped: {1}", record.callSid(), refused);
            queue(ended);
        }
    }

    /**
     * Drops the recording of a call that has not ended yet and writes the record it has so far: for a
     * closing that cannot wait for the call any longer.
     */
    void abandon(CallJournal journal, CallRecord record) {
        journal.recording().discard();
        queue(new Ended(record, r -> {
        }));
    }

    /**
     * Waits until {@code deadline} for the recordings being finished and the records waiting; drops the
     * recordings still unfinished then (their records are written without them); gives the records
     * {@link #CLOSE_PATIENCE}; then stops.
     */
    void close(Deadline deadline) {
        try {
            awaitIdle(deadline.remaining());
            List<CallJournal> unfinished;
            lock.lock();
            try {
                closed = true;
                unfinished = List.copyOf(finishing.keySet());
            } finally {
                lock.unlock();
            }
            int dropped = 0;
            for (CallJournal journal : unfinished) {
                // False when its WAV is already being moved into place: its own thread then hands its record over.
                if (journal.recording().discard()) {
                    dropped++;
                    handOver(journal, Optional.empty());
                }
            }
            if (dropped > 0) {
                LOG.log(Level.WARNING, "{0} recording(s) not finished before shutdown: dropped, their temporary files deleted", dropped);
            }
            if (!awaitIdle(CLOSE_PATIENCE)) {
                LOG.log(Level.WARNING, "{0} call record(s) not written before shutdown", unwritten());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writer.interrupt();
        }
    }

    /** Waits until no recording is being finished and every record handed over has been written (or failed). */
    private boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!finishing.isEmpty() || unwritten > 0) {
                if (left <= 0) {
                    return false;
                }
                left = progress.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** On the recording's own thread: its WAV, then its record. */
    private void finish(CallJournal journal) {
        Optional<CallRecord.Recording> recording = Optional.empty();
        String callSid = journal.callSid();
        try {
            assembling.acquire();
            try {
                recording = journal.recording().finishInto(files.recording(callSid));
            } finally {
                assembling.release();
            }
        } catch (IOException | RuntimeException e) {
            WRITE_FAILED.log("call {0}: recording not written to {1}: {2}", callSid, files.directory(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the record goes on without its recording
        }
        handOver(journal, recording);
    }

    /** The call's recording is finished (or dropped): its record goes to the writer, once. */
    private void handOver(CallJournal journal, Optional<CallRecord.Recording> recording) {
        lock.lock();
        try {
            Ended ended = finishing.remove(journal);
            if (ended != null) {
                queueLocked(new Ended(ended.record().withRecording(recording), ended.completed()));
                progress.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void queue(Ended ended) {
        lock.lock();
        try {
            queueLocked(ended);
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: the queue never blocks, so no thread waits for the disk here. */
    private void queueLocked(Ended ended) {
        if (writes.offer(() -> write(ended))) {
            unwritten++;
        } else {
            WRITE_FAILED.log("call {0}: record not written: {1} records are waiting for the disk", ended.record().callSid(), MAX_QUEUED);
        }
    }

    /** On the writer thread. */
    private void write(Ended ended) {
        CallRecord record = ended.record();
        try {
            ended.completed().accept(record);
            files.write(record);
            LOG.log(Level.DEBUG, "call {0}: record written to {1}", record.callSid(), files.record(record.callSid()));
        } catch (IOException | RuntimeException e) {
            WRITE_FAILED.log("call {0}: record not written to {1}: {2}", record.callSid(), files.directory(), e.toString());
        } finally {
            lock.lock();
            try {
                unwritten--;
                progress.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void writeInOrder() {
        while (true) {
            try {
                writes.take().run();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private int unwritten() {
        lock.lock();
        try {
            return unwritten;
        } finally {
            lock.unlock();
        }
    }
}
