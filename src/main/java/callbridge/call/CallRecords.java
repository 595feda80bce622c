package callbridge.call;

import callbridge.logging.RateLimitedLog;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every call's record: the {@link CallJournal} of each live call, the records of the calls that ended
 * lately, and, when a records directory is set, the files they are written to (with the call's stereo
 * recording when that is on). Records are written on a writer thread of their own once everything the call
 * heard has been transcribed, so a slow or full disk never holds up a call: a write that fails is one
 * logged error (rate-limited) and the record stays in memory for {@code GET /calls/{sid}}. What is held is
 * bounded: {@link CallJournal#MAX_TURNS} turns a call, {@link #RECENT} ended records, {@link #MAX_QUEUED}
 * records waiting for the disk.
 */
public final class CallRecords implements AutoCloseable {
    /** Ended calls whose records stay in memory. */
    static final int RECENT = 64;
    /** Records waiting to be written; more means the disk has stopped keeping up. */
    static final int MAX_QUEUED = 256;
    /** How long closing waits for records still waiting to be written. */
    static final Duration CLOSE_PATIENCE = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(CallRecords.class.getName());
    private static final RateLimitedLog WRITE_FAILED = RateLimitedLog.of(LOG, Level.ERROR);

    /**
     * Where records go.
     *
     * @param directory   the records directory; empty: records are kept in memory only
     * @param recordAudio also record each call's audio as a stereo WAV (needs a directory)
     */
    public record Settings(Optional<Path> directory, boolean recordAudio) {
        public static final Settings IN_MEMORY = new Settings(Optional.empty(), false);

        public Settings {
            Objects.requireNonNull(directory, "directory");
            if (recordAudio && directory.isEmpty()) {
                throw new IllegalArgumentException("recording audio needs a records directory");
            }
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Optional<RecordFiles> files;
    private final UnclaimedCalls unclaimed = new UnclaimedCalls(UnclaimedCalls.MAX_UNCLAIMED);
    private final ReentrantLock lock = new ReentrantLock();
    /** Journals of calls not yet finished, by CallSid; guarded by {@link #lock} for changes. */
    private final ConcurrentMap<String, CallJournal> open = new ConcurrentHashMap<>();
    /** Records of ended calls, least recently ended first; guarded by {@link #lock}. */
    private final LinkedHashMap<String, CallRecord> recent = new LinkedHashMap<>();
    private final BlockingQueue<Runnable> writes = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Thread writer;

    private CallRecords(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.files = settings.directory().map(RecordFiles::new);
        this.writer = files.isPresent() ? Thread.ofVirtual().name("call records").start(this::writeInOrder) : null;
    }

    public static CallRecords start(Settings settings, Clock clock) {
        return new CallRecords(settings, clock);
    }

    /** Records kept in memory only: for sessions made without a records directory. */
    public static CallRecords inMemory(Clock clock) {
        return new CallRecords(Settings.IN_MEMORY, clock);
    }

    public UnclaimedCalls unclaimed() {
        return unclaimed;
    }

    /**
     * The journal a new session of {@code callSid} reports to: the call's own if one of its streams is still
     * open (the stream restarted), else a new one, and the call then waits for a driver to claim it.
     */
    CallJournal attach(String callSid, String streamSid, Map<String, String> parameters) {
        lock.lock();
        try {
            CallJournal journal = open.get(callSid);
            if (journal == null) {
                journal = new CallJournal(callSid, streamSid, parameters, clock, startRecording(callSid), CallJournal.MAX_TURNS);
                open.put(callSid, journal);
                unclaimed.add(new UnclaimedCalls.NewCall(callSid, streamSid, parameters, journal.startedAt()));
            }
            journal.attach(streamSid);
            return journal;
        } finally {
            lock.unlock();
        }
    }

    /** A session of the call ended for {@code reason}; its transcriptions may still be under way. */
    void sessionEnded(CallJournal journal, CallEnd reason) {
        journal.sessionEnded(reason);
        unclaimed.ended(journal.callSid());
    }

    /** A session has reported everything; once the call's last has, its record is complete and written. */
    void sessionDone(CallJournal journal) {
        CallRecord record;
        lock.lock();
        try {
            if (!journal.detach()) {
                return;
            }
            open.remove(journal.callSid(), journal);
            record = journal.snapshot();
            remember(record);
        } finally {
            lock.unlock();
        }
        files.ifPresent(f -> {
            if (!writes.offer(() -> write(f, journal, record))) {
                journal.recording().discard();
                WRITE_FAILED.log("call {0}: record not written: {1} records are waiting for the disk", record.callSid(), MAX_QUEUED);
            }
        });
    }

    /** The live journal of a call. */
    Optional<CallJournal> journal(String callSid) {
        return Optional.ofNullable(open.get(callSid));
    }

    /**
     * The record of {@code callSid}: the record so far of a live call, else the record of an ended one, from
     * memory or from the records directory.
     *
     * @throws IOException the record file exists but cannot be read
     */
    Optional<ObjectNode> find(String callSid) throws IOException {
        CallJournal journal = open.get(callSid);
        if (journal != null) {
            return Optional.of(CallRecordJson.of(journal.snapshot()));
        }
        lock.lock();
        CallRecord ended;
        try {
            ended = recent.get(callSid);
        } finally {
            lock.unlock();
        }
        if (ended != null) {
            return Optional.of(CallRecordJson.of(ended));
        }
        return files.isPresent() ? files.get().read(callSid) : Optional.empty();
    }

    /** Stops taking records, and waits a little for those still waiting to be written. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        writes.offer(() -> Thread.currentThread().interrupt());
        try {
            if (!writer.join(CLOSE_PATIENCE)) {
                LOG.log(Level.WARNING, "{0} call record(s) not written before shutdown", writes.size());
                writer.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CallRecording startRecording(String callSid) {
        if (!settings.recordAudio()) {
            return CallRecording.OFF;
        }
        // Makes no file here: this runs on a selector thread, which must never wait for a disk.
        return CallRecording.start(files.orElseThrow().directory(), "." + callSid, clock.instant(),
                e -> WRITE_FAILED.log("call {0}: recording stopped, the rest of the call is not recorded: {1}", callSid, e.toString()));
    }

    /** On the writer thread: the recording first, so the record can name it. */
    private void write(RecordFiles to, CallJournal journal, CallRecord record) {
        Optional<CallRecord.Recording> recording = Optional.empty();
        try {
            recording = journal.recording().finishInto(to.recording(record.callSid()));
        } catch (IOException | RuntimeException e) {
            WRITE_FAILED.log("call {0}: recording not written to {1}: {2}", record.callSid(), to.directory(), e.toString());
        }
        CallRecord complete = record.withRecording(recording);
        if (recording.isPresent()) {
            lock.lock();
            try {
                recent.replace(record.callSid(), record, complete);
            } finally {
                lock.unlock();
            }
        }
        try {
            to.write(complete);
            LOG.log(Level.DEBUG, "call {0}: record written to {1}", record.callSid(), to.record(record.callSid()));
        } catch (IOException | RuntimeException e) {
            WRITE_FAILED.log("call {0}: record not written to {1}: {2}", record.callSid(), to.directory(), e.toString());
        }
    }

    private void writeInOrder() {
        while (true) {
            try {
                writes.take().run();
            } catch (InterruptedException e) {
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** With the lock held. */
    private void remember(CallRecord record) {
        recent.remove(record.callSid());
        recent.put(record.callSid(), record);
        if (recent.size() > RECENT) {
            recent.pollFirstEntry();
        }
    }

    /** Waits until every record handed to the writer so far has been written (or failed); for tests. */
    boolean awaitWritten(Duration timeout) throws InterruptedException {
        if (writer == null) {
            return true;
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        if (!writes.offer(done::countDown, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
