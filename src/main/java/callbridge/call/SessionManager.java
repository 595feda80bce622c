package callbridge.call;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live calls, by Twilio CallSid and by media-stream StreamSid. Every way a call ends goes through
 * {@link #end}: the session leaves both maps and is ended exactly once. A watchdog ends calls that have
 * been idle past their talk timeout.
 */
public final class SessionManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SessionManager.class.getName());
    /** How often idle calls are looked for; talk timeouts are whole seconds, so this is precise enough. */
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(250);

    private final ConcurrentMap<String, CallSession> byCallSid = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CallSession> byStreamSid = new ConcurrentHashMap<>();
    /** Signalled whenever a session is added, for /generate requests waiting for their call to appear. */
    private final ReentrantLock arrivalLock = new ReentrantLock();
    private final Condition arrived = arrivalLock.newCondition();
    private final Clock clock;
    private final Thread watchdog;

    public SessionManager(Clock clock) {
        this.clock = clock;
        this.watchdog = Thread.ofVirtual().name("talk-timeout watchdog").start(this::watchForIdleCalls);
    }

    /** Adds a new session; a session already holding its CallSid (a stream restarted) is ended first. */
    void add(CallSession session) {
        CallSession previous = byCallSid.put(session.callSid(), session);
        byStreamSid.put(session.streamSid(), session);
        if (previous != null && previous != session) {
            byStreamSid.remove(previous.streamSid(), previous);
            previous.end("replaced by a new media stream");
        }
        arrivalLock.lock();
        try {
            arrived.signalAll();
        } finally {
            arrivalLock.unlock();
        }
    }

    public Optional<CallSession> byCallSid(String callSid) {
        return Optional.ofNullable(byCallSid.get(callSid));
    }

    public Optional<CallSession> byStreamSid(String streamSid) {
        return Optional.ofNullable(byStreamSid.get(streamSid));
    }

    /** The call's session, waiting up to {@code timeout} for it to appear (its stream may not have started yet). */
    public Optional<CallSession> awaitCall(String callSid, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        arrivalLock.lock();
        try {
            CallSession session;
            while ((session = byCallSid.get(callSid)) == null) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = arrived.awaitNanos(nanos);
            }
            return Optional.of(session);
        } finally {
            arrivalLock.unlock();
        }
    }

    public Collection<CallSession> all() {
        return List.copyOf(byCallSid.values());
    }

    public int size() {
        return byCallSid.size();
    }

    /** Ends the call for {@code reason}; true if this call ended it, false if it had already ended. */
    public boolean end(CallSession session, String reason) {
        byCallSid.remove(session.callSid(), session);
        byStreamSid.remove(session.streamSid(), session);
        return session.end(reason);
    }

    /** Stops the watchdog; live sessions are left to the caller. */
    @Override
    public void close() {
        watchdog.interrupt();
    }

    private void watchForIdleCalls() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(WATCHDOG_PERIOD);
            } catch (InterruptedException e) {
                return;
            }
            var now = clock.instant();
            for (CallSession session : byCallSid.values()) {
                if (session.isIdle(now)) {
                    LOG.log(Level.INFO, "call {0}: no speech and no /generate for {1} s", session.callSid(),
                            session.talkTimeout().toSeconds());
                    end(session, "talk timeout: no speech and no /generate for " + session.talkTimeout().toSeconds() + " s");
                }
            }
        }
    }
}
