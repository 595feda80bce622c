package callbridge.call;

import callbridge.logging.RateLimitedLog;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * New calls that no driver has claimed yet, oldest first: what {@code GET /calls/next} hands out, each call
 * to one driver only. A call joins when its media stream starts and leaves when a driver claims it or
 * when it ends unclaimed. Bounded: past {@link #MAX_UNCLAIMED}, the oldest unclaimed call is forgotten
 * (it goes on; only nobody will be handed it), and that is logged.
 */
public final class UnclaimedCalls {
    /** Unclaimed calls remembered; a server with this many calls that nobody drives has no drivers. */
    static final int MAX_UNCLAIMED = 1_000;
    private static final System.Logger LOG = System.getLogger(UnclaimedCalls.class.getName());
    private static final RateLimitedLog FORGOTTEN = RateLimitedLog.of(LOG, Level.WARNING);

    private final int maxUnclaimed;
    private final Changes changes = new Changes();
    private final LinkedHashMap<String, CallStart> unclaimed = new LinkedHashMap<>();
    private int waiting;
    private long forgotten;
    /** The server is shutting down: no call will be handed out any more. */
    private boolean closed;

    UnclaimedCalls(int maxUnclaimed) {
        if (maxUnclaimed < 1) {
            throw new IllegalArgumentException("maxUnclaimed must be at least 1: " + maxUnclaimed);
        }
        this.maxUnclaimed = maxUnclaimed;
    }

    /** A call has begun: it waits for a driver. */
    void add(CallStart call) {
        changes.lock();
        try {
            if (unclaimed.size() >= maxUnclaimed && !unclaimed.containsKey(call.callSid())) {
                Iterator<CallStart> oldest = unclaimed.values().iterator();
                CallStart dropped = oldest.next();
                oldest.remove();
                forgotten++;
                FORGOTTEN.log("call {0}: forgotten by /calls/next: {1} calls were waiting for a driver ({2} so far)",
                        dropped.callSid(), maxUnclaimed, forgotten);
            }
            unclaimed.putIfAbsent(call.callSid(), call);
            changes.signalAll();
        } finally {
            changes.unlock();
        }
    }

    /** A call has ended: nobody needs to claim it any more. */
    void ended(String callSid) {
        changes.lock();
        try {
            unclaimed.remove(callSid);
        } finally {
            changes.unlock();
        }
    }

    /**
     * Claims the oldest unclaimed call, waiting up to {@code timeout} for one, or until {@code abandoned}
     * completes (whoever asked has gone away): then nothing is claimed, and the calls stay for the next
     * driver. Empty at once once {@link #close closed}.
     */
    public Optional<CallStart> claim(Duration timeout, CompletableFuture<?> abandoned) throws InterruptedException {
        changes.wakeWhen(abandoned);
        long nanos = timeout.toNanos();
        changes.lock();
        waiting++;
        try {
            while (unclaimed.isEmpty() || abandoned.isDone() || closed) {
                if (nanos <= 0 || abandoned.isDone() || closed) {
                    return Optional.empty();
                }
                nanos = changes.awaitNanos(nanos);
            }
            Iterator<CallStart> oldest = unclaimed.values().iterator();
            CallStart call = oldest.next();
            oldest.remove();
            return Optional.of(call);
        } finally {
            waiting--;
            changes.signalAll();
            changes.unlock();
        }
    }

    /**
     * A claimed call whose driver could not be told of it (its connection failed while the answer was
     * written): it goes back to the front, unless it has ended meanwhile.
     */
    void release(CallStart call, boolean stillLive) {
        if (!stillLive) {
            return;
        }
        changes.lock();
        try {
            LinkedHashMap<String, CallStart> reordered = new LinkedHashMap<>();
            reordered.put(call.callSid(), call);
            reordered.putAll(unclaimed);
            unclaimed.clear();
            unclaimed.putAll(reordered);
            changes.signalAll();
        } finally {
            changes.unlock();
        }
    }

    /**
     * The server is shutting down: drivers waiting in {@link #claim} give up now, and later ones do not wait,
     * so none of them holds the shutdown for its grace.
     */
    void close() {
        changes.change(() -> closed = true);
    }

    /** How many drivers are waiting in {@link #claim} right now. */
    int waiting() {
        changes.lock();
        try {
            return waiting;
        } finally {
            changes.unlock();
        }
    }
}
