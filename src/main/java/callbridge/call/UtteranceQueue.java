package callbridge.call;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A call's utterances in the order they were spoken, waiting to be collected. Once the call has ended the
 * queue is closed with the reason: waiters wake, and whatever was still queued is handed out first.
 */
public final class UtteranceQueue {
    /** What a wait for the next utterance came back with. */
    public sealed interface Next {
    }

    public record Heard(Utterance utterance) implements Next {
    }

    public record Ended(CallEnd end) implements Next {
    }

    public record NothingYet() implements Next {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Utterance> queued = new ArrayDeque<>();
    private CallEnd endReason;

    void add(Utterance utterance) {
        lock.lock();
        try {
            queued.addLast(utterance);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more utterances will come; the first reason given is kept. */
    void close(CallEnd reason) {
        lock.lock();
        try {
            if (endReason == null) {
                endReason = reason;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next utterance, waiting up to {@code timeout}; {@link Ended} once closed and empty. */
    public Next take(Duration timeout) throws InterruptedException {
        return take(timeout, new CompletableFuture<>());
    }

    /**
     * As {@link #take(Duration)}, but gives up with {@link NothingYet} as soon as {@code abandoned}
     * completes (whoever asked has gone away), leaving the queue as it was.
     */
    public Next take(Duration timeout, CompletableFuture<?> abandoned) throws InterruptedException {
        abandoned.thenRun(this::wakeWaiters);
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (queued.isEmpty() && endReason == null) {
                if (nanos <= 0 || abandoned.isDone()) {
                    return new NothingYet();
                }
                nanos = changed.awaitNanos(nanos);
            }
            return queued.isEmpty() ? new Ended(endReason) : new Heard(queued.removeFirst());
        } finally {
            lock.unlock();
        }
    }

    private void wakeWaiters() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Everything queued now, removed from the queue, without waiting. */
    public List<Utterance> drain() {
        lock.lock();
        try {
            List<Utterance> all = new ArrayList<>(queued);
            queued.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** Returns utterances taken by {@link #drain} to the front of the queue, in their order. */
    void putBack(List<Utterance> utterances) {
        lock.lock();
        try {
            for (int i = utterances.size() - 1; i >= 0; i--) {
                queued.addFirst(utterances.get(i));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
