package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.call.CallListener;
import callbridge.call.CallObserver;
import callbridge.call.CallStart;
import callbridge.call.RecordedEnds;
import callbridge.logging.RateLimitedLog;
import callbridge.time.Deadline;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every call's record: the {@link CallJournal} each call reports to (the records observe the calls: they
 * are the {@link CallObserver} the calls are set up with), the records of the calls that ended lately, and,
 * when a records directory is set, the files they are written to (with the call's stereo recording when
 * that is on). Records are written by a {@link RecordWriter} once everything the call heard has been
 * transcribed, so a slow or full disk never holds up a call: a write that fails is one logged error
 * (rate-limited) and the record stays in memory for {@code GET /calls/{sid}}. What is held is bounded:
 * {@link CallJournal#MAX_TURNS} turns a call, {@link #RECENT} ended records, and what the writer bounds.
 */
public final class CallRecords implements CallObserver, RecordedEnds, AutoCloseable {
    /** Ended calls whose records stay in memory. */
    static final int RECENT = 64;

    private static final System.Logger LOG = System.getLogger(CallRecords.class.getName());
    private static final RateLimitedLog WRITE_FAILED = RateLimitedLog.of(LOG, Level.ERROR);
    /** Any client can ask about a CallSid whose record file is broken, as often as it likes. */
    private static final RateLimitedLog READ_FAILED = RateLimitedLog.of(LOG, Level.WARNING);

    /**
     * Where records go.
     *
     * @param directory   the records directory; empty: records are kept in memory only
     * @param recordAudio also record each call's audio as a stereo WAV (needs a directory)
     */
    public record Settings(Optional<Path> directory, boolean recordAudio) {
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
    private final ReentrantLock lock = new ReentrantLock();
    /** Journals of calls not yet finished, by CallSid; guarded by {@link #lock} for changes. */
    private final ConcurrentMap<String, CallJournal> open = new ConcurrentHashMap<>();
    /** Records of ended calls, least recently ended first; guarded by {@link #lock}. */
    private final LinkedHashMap<String, CallRecord> recent = new LinkedHashMap<>();
    /** Signalled when the last open journal is done: closing waits for it. */
    private final Condition journalsDone = lock.newCondition();
    private final Optional<RecordWriter> writer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CallRecords(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.files = settings.directory().map(RecordFiles::new);
        this.writer = files.map(RecordWriter::start);
    }

    public static CallRecords start(Settings settings, Clock clock) {
        return new CallRecords(settings, clock);
    }

    /**
     * The journal the call's sessions report to: a new one, or the call's own if an earlier session of it is
     * still reporting (it ended, and some of what it heard is still being transcribed).
     */
    @Override
    public CallListener callStarted(CallStart call) {
        lock.lock();
        try {
            CallJournal journal = open.get(call.callSid());
            if (journal == null) {
                journal = new CallJournal(call, clock, startRecording(call), CallJournal.MAX_TURNS, this::reported);
                open.put(call.callSid(), journal);
            } else {
                journal.attach(call);
            }
            return journal;
        } finally {
            lock.unlock();
        }
    }

    /** A session has reported everything; once the call's last has, its record is complete and written. */
    private void reported(CallJournal journal) {
        CallRecord record;
        lock.lock();
        try {
            if (!journal.detach()) {
                return;
            }
            open.remove(journal.callSid(), journal);
            if (open.isEmpty()) {
                journalsDone.signalAll();
            }
            record = journal.snapshot();
            remember(record);
        } finally {
            lock.unlock();
        }
        writer.ifPresent(w -> w.write(journal, record, complete -> {
            lock.lock();
            try {
                recent.replace(record.callSid(), record, complete);
            } finally {
                lock.unlock();
            }
        }));
    }

    /**
     * True when the call has a finished record, in memory or in the records directory: it ended, maybe
     * before this process started, and stays ended. Reads the disk only for a call not found in memory.
     */
    @Override
    public boolean hasEnded(String callSid) {
        lock.lock();
        try {
            if (recent.containsKey(callSid)) {
                return true;
            }
        } finally {
            lock.unlock();
        }
        return files.isPresent() && files.get().exists(callSid);
    }

    /**
     * How the call ended, by its finished record in memory or in the records directory: a call that is not
     * live here, maybe one that ended before this process started. Empty for a call with no finished record;
     * a record file that cannot be read is logged (rate-limited) and counts as none. Reads the disk only for
     * a call whose record is not in memory, so callers keep it for calls that are not live.
     */
    @Override
    public Optional<CallEnd> recordedEnd(String callSid) {
        lock.lock();
        try {
            CallRecord ended = recent.get(callSid);
            if (ended != null) {
                return ended.end();
            }
        } finally {
            lock.unlock();
        }
        if (files.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<ObjectNode> record = files.get().read(callSid);
            return record.isEmpty() ? Optional.empty() : Optional.of(CallRecordJson.end(record.get()));
        } catch (IOException e) {
            READ_FAILED.log("call {0}: its record cannot be read, so it is not known to have ended: {1}", callSid, e.toString());
            return Optional.empty();
        }
    }

    /** The journal of a call still reporting here: its record so far, in memory. */
    Optional<CallJournal> journal(String callSid) {
        return Optional.ofNullable(open.get(callSid));
    }

    /** Turns of either side in the record so far of a call still reporting here (a run of keys is one); else 0. */
    public int turnsSoFar(String callSid) {
        return journal(callSid).map(CallJournal::turnCount).orElse(0);
    }

    /**
     * The record of {@code callSid} as JSON, the form of its file ({@link CallRecordJson}): the record so far
     * of a live call, else the record of an ended one, from memory or from the records directory.
     *
     * @throws IOException the record file exists but cannot be read
     */
    public Optional<ObjectNode> find(String callSid) throws IOException {
        Optional<CallJournal> live = journal(callSid);
        if (live.isPresent()) {
            return Optional.of(CallRecordJson.of(live.get().snapshot()));
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

    /** Closes at once: records are written, recordings still unfinished are dropped. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Waits up to {@code patience} for the calls still reporting and for the records and recordings in
     * progress; drops whatever recording is unfinished then (deleting its temporary files) and writes the
     * records without it. Only the first close counts.
     */
    public void close(Duration patience) {
        if (!closed.compareAndSet(false, true) || writer.isEmpty()) {
            return;
        }
        // Real time, not the records' clock: that one may be a test's, which moves only when told to.
        Deadline deadline = Deadline.after(patience, Clock.systemUTC());
        List<CallJournal> unfinished = List.of();
        lock.lock();
        try {
            for (long left = patience.toNanos(); !open.isEmpty() && left > 0; ) {
                left = journalsDone.awaitNanos(left);
            }
            unfinished = List.copyOf(open.values());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        // Calls still transcribing what they heard: what they have so far is their record.
        for (CallJournal journal : unfinished) {
            writer.get().abandon(journal, journal.snapshot());
        }
        writer.get().close(deadline);
    }

    private CallRecording startRecording(CallStart call) {
        if (!settings.recordAudio()) {
            return CallRecording.OFF;
        }
        String callSid = call.callSid();
        // Makes no file here: this runs on a selector thread, which must never wait for a disk.
        return CallRecording.start(files.orElseThrow().directory(), "." + callSid, call.startedAt(),
                e -> WRITE_FAILED.log("call {0}: recording stopped, the rest of the call is not recorded: {1}", callSid, e.toString()));
    }

    /** With the lock held. */
    private void remember(CallRecord record) {
        recent.remove(record.callSid());
        recent.put(record.callSid(), record);
        if (recent.size() > RECENT) {
            recent.pollFirstEntry();
        }
    }
}
