package callbridge.call;

import callbridge.twilio.CallControl;
import callbridge.twilio.CallControlException;
import callbridge.websocket.CloseCodes;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live calls, by Twilio CallSid and by media-stream StreamSid. Every way a call ends (stop, stream
 * closed, talk timeout, error, shutdown) goes through {@link #end}: the session leaves both maps, is ended
 * exactly once (waiters woken with the reason, WebSocket closed), and the call is completed at Twilio once,
 * on its own thread, retrying failures that may pass. A watchdog ends calls idle past their talk timeout.
 * Ended calls are remembered for a while, so a {@code /generate} that comes after the end learns why.
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
    /** Completing at Twilio: tries in all, and the pause before the second (doubling after). */
    static final int COMPLETION_ATTEMPTS = 3;
    static final Duration COMPLETION_BACKOFF = Duration.ofMillis(500);
    /**
     * How long an ended call is still found by {@link #awaitCall}. Without this, a {@code /generate} that
     * arrived after the end (the far end hung up between two turns; a request in flight at shutdown) waited
     * its whole timeout for a call that could not come, got 204, and its client polled on, never told.
     */
    static final Duration ENDED_RETENTION = Duration.ofMinutes(5);

    private record Ended(CallSession session, Instant at) {
    }

    private final Optional<CallControl> callControl;
    private final ConcurrentMap<String, Ended> recentlyEnded = new ConcurrentHashMap<>();
    /** Set by {@link #endAll}: no call will appear any more, so nobody should wait for one. */
    private volatile boolean shuttingDown;
    private final Set<CompletableFuture<Void>> completions = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final Thread watchdog;

    /** @param callControl empty when Twilio credentials are missing: calls are then not completed at Twilio */
    public SessionManager(Optional<CallControl> callControl, Clock clock) {
        this.callControl = callControl;
        this.clock = clock;
        this.watchdog = Thread.ofVirtual().name("talk-timeout watchdog").start(this::watchForIdleCalls);
    }

    /**
     * Adds a new session. A session already holding its CallSid means the call's stream restarted: the old
     * stream is closed, but the call goes on, so it is not completed at Twilio, and what the old session
     * heard and nobody collected moves to the new one.
     */
    void add(CallSession session) {
        CallSession previous = byCallSid.put(session.callSid(), session);
        byStreamSid.put(session.streamSid(), session);
        if (previous != null && previous != session) {
            byStreamSid.remove(previous.streamSid(), previous);
            previous.end(CallEnd.streamReplaced(), CloseCodes.NORMAL);
            session.utterances().putBack(previous.utterances().drain());
        }
        signalArrival();
    }

    private void signalArrival() {
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

    /**
     * The call's session, waiting up to {@code timeout} for it to appear (its stream may not have started
     * yet). A call that ended lately is found too, already ended, its utterance queue closed with the reason.
     * Empty at once when the server is shutting down.
     */
    public Optional<CallSession> awaitCall(String callSid, Duration timeout) throws InterruptedException {
        return awaitCall(callSid, timeout, new CompletableFuture<>());
    }

    /** As {@link #awaitCall(String, Duration)}, but empty as soon as {@code abandoned} completes. */
    public Optional<CallSession> awaitCall(String callSid, Duration timeout, CompletableFuture<?> abandoned)
            throws InterruptedException {
        abandoned.thenRun(this::signalArrival);
        long nanos = timeout.toNanos();
        arrivalLock.lock();
        try {
            CallSession session;
            while ((session = liveOrLatelyEnded(callSid)) == null) {
                if (nanos <= 0 || shuttingDown || abandoned.isDone()) {
                    return Optional.empty();
                }
                nanos = arrived.awaitNanos(nanos);
            }
            return Optional.of(session);
        } finally {
            arrivalLock.unlock();
        }
    }

    private CallSession liveOrLatelyEnded(String callSid) {
        CallSession live = byCallSid.get(callSid);
        if (live != null) {
            return live;
        }
        Ended ended = recentlyEnded.get(callSid);
        return ended == null ? null : ended.session();
    }

    public int size() {
        return byCallSid.size();
    }

    /** Ends the call for {@code reason}; true if this call ended it, false if it had already ended. */
    public boolean end(CallSession session, CallEnd reason) {
        return end(session, reason, CloseCodes.NORMAL);
    }

    /** Ends every live call (server shutdown), closing their streams with 1001 Going Away. */
    public void endAll(CallEnd reason) {
        shuttingDown = true;
        byCallSid.values().forEach(session -> end(session, reason, CloseCodes.GOING_AWAY));
        // A /generate waiting for a call that has not appeared would otherwise hold the shutdown for the
        // whole grace period and then lose its connection unanswered.
        signalArrival();
    }

    /** Calls that have ended and are still being completed at Twilio (a request or a retry under way). */
    public int completionsUnderWay() {
        return completions.size();
    }

    /** Waits for completions at Twilio still under way; false if some were still running at the timeout. */
    public boolean awaitCompletions(Duration timeout) throws InterruptedException {
        try {
            CompletableFuture.allOf(completions.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("completion tasks handle their own failures", e);
        }
    }

    private boolean end(CallSession session, CallEnd reason, int closeCode) {
        // Remembered before it leaves the live map, so awaitCall always finds one or the other. Of two
        // sessions of one call (its stream restarted), the later one is kept.
        recentlyEnded.merge(session.callSid(), new Ended(session, clock.instant()),
                (kept, next) -> next.session().startedAt().isBefore(kept.session().startedAt()) ? kept : next);
        byCallSid.remove(session.callSid(), session);
        byStreamSid.remove(session.streamSid(), session);
        if (!session.end(reason, closeCode)) {
            return false;
        }
        completeAtTwilio(session.callSid());
        return true;
    }

    private void completeAtTwilio(String callSid) {
        if (callControl.isEmpty()) {
            LOG.log(Level.WARNING, "call {0}: not completed at Twilio: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set", callSid);
            return;
        }
        CompletableFuture<Void> completion = CompletableFuture.runAsync(() -> completeWithRetries(callControl.get(), callSid),
                runnable -> Thread.ofVirtual().name("complete " + callSid).start(runnable));
        completions.add(completion);
        completion.whenComplete((ignored, error) -> completions.remove(completion));
    }

    private static void completeWithRetries(CallControl control, String callSid) {
        Duration backoff = COMPLETION_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                control.complete(callSid);
                LOG.log(Level.INFO, "call {0}: completed at Twilio", callSid);
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "call " + callSid + ": completing at Twilio failed unexpectedly", e);
                return;
            } catch (CallControlException e) {
                if (!e.retryable() || attempt == COMPLETION_ATTEMPTS) {
                    LOG.log(Level.ERROR, "call {0}: could not be completed at Twilio after {1} attempt(s): {2}",
                            callSid, attempt, e.getMessage());
                    return;
                }
                LOG.log(Level.INFO, "call {0}: completing failed ({1}), trying again in {2} ms", callSid, e.getMessage(), backoff.toMillis());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                LOG.log(Level.ERROR, "call {0}: completion at Twilio abandoned (interrupted)", callSid);
                return;
            }
            backoff = backoff.multipliedBy(2);
        }
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
            recentlyEnded.values().removeIf(ended -> ended.at().plus(ENDED_RETENTION).isBefore(now));
            for (CallSession session : byCallSid.values()) {
                try {
                    if (session.isIdle(now)) {
                        LOG.log(Level.INFO, "call {0}: no speech and no /generate for {1} s", session.callSid(),
                                session.talkTimeout().toSeconds());
                        end(session, CallEnd.talkTimeout(session.talkTimeout()));
                    }
                } catch (RuntimeException e) {
                    // One call's failure must not stop the watchdog, which every other call relies on.
                    LOG.log(Level.ERROR, "call " + session.callSid() + ": ending it after its talk timeout failed", e);
                }
            }
        }
    }
}
