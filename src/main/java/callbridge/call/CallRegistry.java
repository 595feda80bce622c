package callbridge.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live calls by CallSid, and the calls that ended lately. A media stream's {@code start} goes through
 * {@link #start}: a new call, a restart of a live one (the call goes on), or a refusal (the call has
 * ended, and stays ended). Every way a call ends (stop, stream closed, talk timeout, error, shutdown) goes
 * through {@link #end}: the session leaves the live map, is ended exactly once (waiters woken with the
 * reason, stream closed), and {@code onEnded} hears its CallSid once, to complete the call at Twilio.
 * A {@code /generate} may wait here for its call to appear, and a driver for a new call to claim
 * ({@link UnclaimedCalls}: each new call joins them, and leaves them when it ends).
 *
 * <p>Ended calls are remembered within bounds of count as well as time: the last {@link #ENDED_KEPT}
 * whole for {@link #ENDED_RETENTION} (what nobody collected is still handed out), and the last
 * {@link #ENDED_REMEMBERED} by CallSid and reason alone, so a stream URL reopened after its call ended is
 * refused and a late {@code /generate} learns the call is over.
 */
public final class CallRegistry {
    /**
     * How long an ended call is still found by {@link #awaitCall}, so a {@code /generate} that comes after
     * the end (the far end hung up between two turns; a request in flight at shutdown) learns why at once
     * instead of waiting for a call that cannot come.
     */
    static final Duration ENDED_RETENTION = Duration.ofMinutes(5);
    /** Ended sessions kept whole: each holds at most its bounded queue and record, and this many bound them all. */
    public static final int ENDED_KEPT = 256;
    /** Ended calls remembered by CallSid and reason: about 200 bytes each, 2 MB in all. */
    public static final int ENDED_REMEMBERED = 10_000;

    private record Ended(CallSession session, Instant at) {
    }

    /** What became of a media stream's {@code start}. */
    public sealed interface StreamStart {
        /** The call's first stream: a new session. */
        record NewCall(CallSession session) implements StreamStart {
        }

        /** The call's stream restarted: its live session goes on with the new stream. */
        record Restarted(CallSession session) implements StreamStart {
        }

        /** The stream may not join the call, for {@code why}; nothing changed. */
        record Refused(String why) implements StreamStart {
        }
    }

    private final ConcurrentMap<String, CallSession> live = new ConcurrentHashMap<>();
    /** Serializes starts, so two streams of one call never both make a session; and starts against shutdown. */
    private final ReentrantLock startLock = new ReentrantLock();
    /** Guards {@link #recentlyEnded} and {@link #endedCalls}, both in the order calls ended. */
    private final ReentrantLock endedLock = new ReentrantLock();
    private final LinkedHashMap<String, Ended> recentlyEnded = new LinkedHashMap<>();
    private final LinkedHashMap<String, CallEnd> endedCalls = new LinkedHashMap<>();
    /** Signalled whenever a session is added, for requests waiting for their call to appear. */
    private final ReentrantLock arrivalLock = new ReentrantLock();
    private final Condition arrived = arrivalLock.newCondition();
    /** Waiters in {@link #awaitCall} whose call had not appeared when they looked; see {@link #waitingForCalls}. */
    private final AtomicInteger waitingForCalls = new AtomicInteger();
    private final UnclaimedCalls unclaimed = new UnclaimedCalls(UnclaimedCalls.MAX_UNCLAIMED);
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
     * A media stream of the call {@code callSid} has started. A call with no session yet gets one from
     * {@code newSession}. A live call's stream restarted: {@code stream} takes over the session (see
     * {@link CallSession#restartStream}) and the old stream is retired, the call going on. A call that has
     * ended stays ended, and so does everything while the server shuts down: the stream is refused.
     */
    public StreamStart start(String callSid, MediaStream stream, Supplier<CallSession> newSession) {
        CallSession session;
        startLock.lock();
        try {
            session = live.get(callSid);
            if (session != null) {
                Optional<MediaStream> previous = session.restartStream(stream);
                if (previous.isEmpty()) {
                    return new StreamStart.Refused(session.hasEnded() ? "the call has ended"
                            : "the call's stream has restarted " + CallSession.MAX_STREAM_RESTARTS + " times");
                }
                previous.get().retire();
                return new StreamStart.Restarted(session);
            }
            if (shuttingDown) {
                return new StreamStart.Refused("the server is shutting down");
            }
            Optional<CallEnd> ended = endedEarlier(callSid);
            if (ended.isPresent()) {
                return new StreamStart.Refused("the call has ended (" + ended.get() + ")");
            }
            session = newSession.get();
            live.put(callSid, session);
            unclaimed.add(session.start());
        } finally {
            startLock.unlock();
        }
        signalArrival();
        return new StreamStart.NewCall(session);
    }

    /** Why the call ended, if it is one of the last {@link #ENDED_REMEMBERED} calls that did. */
    public Optional<CallEnd> endedEarlier(String callSid) {
        endedLock.lock();
        try {
            return Optional.ofNullable(endedCalls.get(callSid));
        } finally {
            endedLock.unlock();
        }
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

    /** The new calls no driver has claimed yet: what {@code /calls/next} hands out. */
    UnclaimedCalls unclaimed() {
        return unclaimed;
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
     * looked: a gauge on {@code /metrics}. A driver that asks before Twilio has called the webhook waits a
     * moment; waiters that stay are asking for calls that never reach this instance (a load balancer that
     * routes {@code /generate} and the stream apart, a stream that never connects). Counted under the lock
     * that {@link #start} signals through: a call started once a waiter is counted wakes that waiter.
     */
    public int waitingForCalls() {
        return waitingForCalls.get();
    }

    /**
     * Ends the call for {@code reason}; true if this call ended it, false if it had already ended (for the
     * reason that ended it first, which stays the call's: the session decides, see {@link CallSession#whyEnded}).
     */
    public boolean end(CallSession session, CallEnd reason) {
        boolean decided = session.decideEnd(reason);
        // Remembered before it leaves the live map, so awaitCall and start always find one or the other.
        remember(session);
        unclaimed.ended(session.callSid()); // no driver is handed a call that is no longer live
        live.remove(session.callSid(), session);
        if (!decided) {
            return false;
        }
        session.windDown();
        onEnded.accept(session.callSid());
        return true;
    }

    /** Ends every live call (server shutdown); waiters for calls that have not appeared give up. */
    public void endAll(CallEnd reason) {
        startLock.lock(); // a start under way finishes first, and every later one sees the shutdown
        try {
            shuttingDown = true;
        } finally {
            startLock.unlock();
        }
        live.values().forEach(session -> end(session, reason));
        signalArrival();
    }

    /** The session's end, which it has decided, remembered by its CallSid. */
    private void remember(CallSession session) {
        CallEnd reason = session.whyEnded().orElseThrow();
        Instant now = clock.instant();
        endedLock.lock();
        try {
            recentlyEnded.putIfAbsent(session.callSid(), new Ended(session, now));
            endedCalls.putIfAbsent(session.callSid(), reason);
            // Both maps are in the order calls ended: the eldest go first, by age, then by count.
            Iterator<Ended> oldest = recentlyEnded.values().iterator();
            while (oldest.hasNext()) {
                Ended ended = oldest.next();
                if (recentlyEnded.size() <= ENDED_KEPT && !isForgotten(ended, now)) {
                    break;
                }
                oldest.remove();
            }
            Iterator<String> eldest = endedCalls.keySet().iterator();
            while (endedCalls.size() > ENDED_REMEMBERED) {
                eldest.next();
                eldest.remove();
            }
        } finally {
            endedLock.unlock();
        }
    }

    /** With {@link #arrivalLock} held: waits until the call appears, the time is up, or nobody needs it. */
    private Optional<CallSession> waitForArrival(String callSid, long nanos, CompletableFuture<?> abandoned)
            throws InterruptedException {
        Optional<CallSession> session;
        while ((session = liveOrLatelyEnded(callSid)).isEmpty()) {
            if (nanos <= 0 || shuttingDown || abandoned.isDone() || endedEarlier(callSid).isPresent()) {
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
        Ended ended;
        endedLock.lock();
        try {
            ended = recentlyEnded.get(callSid);
        } finally {
            endedLock.unlock();
        }
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
