package callbridge.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The live calls by CallSid, and the calls that ended lately. Every way a call ends (stop, stream closed,
 * talk timeout, error, shutdown) goes through {@link #end}: the session leaves the live map, is ended
 * exactly once (waiters woken with the reason, stream closed), and {@code onEnded} hears its CallSid once,
 * to complete the call at Twilio. A {@code /generate} may wait here for its call to appear.
 */
public final class CallRegistry {
    /**
     * How long an ended call is still found by {@link #awaitCall}, so a {@code /generate} that comes after
     * the end (the far end hung up between two turns; a request in flight at shutdown) learns why at once
     * instead of waiting for a call that cannot come.
     */
    static final Duration ENDED_RETENTION = Duration.ofMinutes(5);

    private record Ended(CallSession session, Instant at) {
    }

    private final ConcurrentMap<String, CallSession> live = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Ended> recentlyEnded = new ConcurrentHashMap<>();
    /** Signalled whenever a session is added, for requests waiting for their call to appear. */
    private final ReentrantLock arrivalLock = new ReentrantLock();
    private final Condition arrived = arrivalLock.newCondition();
    /** Waiters in {@link #awaitCall} whose call had not appeared when they looked; see {@link #waitingForCalls}. */
    private final AtomicInteger waitingForCalls = new AtomicInteger();
    private final Clock clock;
    private final Consumer<String> onEnded;
    /** Set by {@link #endAll}: no call will appear any more, so nobody should wait for one. */
    private volatile boolean shuttingDown;

    /** @param onEnded hears the CallSid of each call this registry ends, once */
    public CallRegistry(Clock clock, Consumer<String> onEnded) {
        this.clock = clock;
        this.onEnded = onEnded;
    }

    /**
     * Adds a new session. A session already holding its CallSid means the call's stream restarted: the old
     * stream is closed, but the call goes on (so {@code onEnded} does not hear of it), and what the old
     * session heard and nobody collected moves to the new one.
     */
    public void add(CallSession session) {
        CallSession previous = live.put(session.callSid(), session);
        if (previous != null && previous != session) {
            previous.end(CallEnd.streamReplaced());
            session.utterances().putBack(previous.utterances().drain());
        }
        signalArrival();
    }

    /** The live session of a call. */
    public Optional<CallSession> live(String callSid) {
        return Optional.ofNullable(live.get(callSid));
    }

    /** Every live session, at this moment. */
    List<CallSession> liveSessions() {
        return List.copyOf(live.values());
    }

    public int size() {
        return live.size();
    }

    /**
     * The call's session, waiting up to {@code timeout} for it to appear (its stream may not have started
     * yet), or until {@code abandoned} completes. A call that ended lately is found too, already ended, its
     * utterance queue closed with the reason. Empty at once when the server is shutting down.
     */
    public Optional<CallSession> awaitCall(String callSid, Duration timeout, CompletableFuture<?> abandoned)
            throws InterruptedException {
        abandoned.thenRun(this::signalArrival);
        arrivalLock.lock();
        try {
            Optional<CallSession> session = liveOrLatelyEnded(callSid);
            if (session.isPresent()) {
                return session;
            }
            waitingForCalls.incrementAndGet();
            try {
                return waitForArrival(callSid, timeout.toNanos(), abandoned);
            } finally {
                waitingForCalls.decrementAndGet();
            }
        } finally {
            arrivalLock.unlock();
        }
    }

    /**
     * How many {@link #awaitCall}s are waiting, at this moment, for a call that had not appeared when they
     * looked. A wait on a condition shows nothing from outside, and a scenario that begins with "a request
     * is already waiting for its call" (a driver that asks before Twilio has called the webhook; a shutdown
     * that must wake such a request) needs that as a fact, not as a guess from elapsed time. Counted under
     * the lock that {@link #add} signals through: a call added once a waiter is counted wakes that waiter.
     */
    public int waitingForCalls() {
        return waitingForCalls.get();
    }

    /** Ends the call for {@code reason}; true if this call ended it, false if it had already ended. */
    public boolean end(CallSession session, CallEnd reason) {
        Instant now = clock.instant();
        recentlyEnded.values().removeIf(ended -> isForgotten(ended, now));
        // Remembered before it leaves the live map, so awaitCall always finds one or the other. Of two
        // sessions of one call (its stream restarted), the later one is kept.
        recentlyEnded.merge(session.callSid(), new Ended(session, now),
                (kept, next) -> next.session().startedAt().isBefore(kept.session().startedAt()) ? kept : next);
        live.remove(session.callSid(), session);
        if (!session.end(reason)) {
            return false;
        }
        onEnded.accept(session.callSid());
        return true;
    }

    /** Ends every live call (server shutdown); waiters for calls that have not appeared give up. */
    public void endAll(CallEnd reason) {
        shuttingDown = true;
        live.values().forEach(session -> end(session, reason));
        signalArrival();
    }

    /** With {@link #arrivalLock} held: waits until the call appears, the time is up, or nobody needs it. */
    private Optional<CallSession> waitForArrival(String callSid, long nanos, CompletableFuture<?> abandoned)
            throws InterruptedException {
        Optional<CallSession> session;
        while ((session = liveOrLatelyEnded(callSid)).isEmpty()) {
            if (nanos <= 0 || shuttingDown || abandoned.isDone()) {
                return Optional.empty();
            }
            nanos = arrived.awaitNanos(nanos);
        }
        return session;
    }

    private Optional<CallSession> liveOrLatelyEnded(String callSid) {
        CallSession session = live.get(callSid);
        if (session != null) {
            return Optional.of(session);
        }
        Ended ended = recentlyEnded.get(callSid);
        return ended == null || isForgotten(ended, clock.instant()) ? Optional.empty() : Optional.of(ended.session());
    }

    private static boolean isForgotten(Ended ended, Instant now) {
        return ended.at().plus(ENDED_RETENTION).isBefore(now);
    }

    private void signalArrival() {
        arrivalLock.lock();
        try {
            arrived.signalAll();
        } finally {
            arrivalLock.unlock();
        }
    }
}
