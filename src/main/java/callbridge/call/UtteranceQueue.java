package callbridge.call;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A call's utterances in the order they were spoken, waiting to be collected. Once the call has ended and
 * every turn it heard is in, the queue is closed: waiters wake, and whatever was still queued is handed out
 * first. Why the call ended is the session's to say ({@link CallSession#whyEnded}).
 * An answer is taken whole or not at all: until {@link #takeAnswer} decides on one, nothing leaves the
 * queue, so a request that times out or whose client leaves loses nothing.
 */
public final class UtteranceQueue {
    /** What a wait for the next utterance came back with. */
    public sealed interface Next {
    }

    /** @param heardBefore utterances queued ahead of the answer, which began before the turn's cut */
    public record Heard(Utterance utterance, List<Utterance> heardBefore) implements Next {
        public Heard {
            heardBefore = List.copyOf(heardBefore);
        }
    }

    /**
     * The queue is closed: the call has ended.
     *
     * @param heardBefore every utterance that was still queued
     */
    public record Ended(List<Utterance> heardBefore) implements Next {
        public Ended {
            heardBefore = List.copyOf(heardBefore);
        }
    }

    public record NothingYet() implements Next {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Utterance> queued = new ArrayDeque<>();
    private boolean closed;

    void add(Utterance utterance) {
        lock.lock();
        try {
            queued.addLast(utterance);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more utterances will come. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The answer to a turn: the first utterance that began at or after {@code cut}, with the ones queued
     * ahead of it as {@code heardBefore}; once the queue is closed with no such utterance, {@link Ended}
     * with everything left. Waits up to {@code timeout}, or until {@code abandoned} completes (whoever
     * asked has gone away); {@link NothingYet} then, leaving the queue as it was.
     */
    public Next takeAnswer(Instant cut, Duration timeout, CompletableFuture<?> abandoned) throws InterruptedException {
        abandoned.thenRun(this::wakeWaiters);
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            int answer;
            while ((answer = firstStartedFrom(cut)) < 0 && !closed) {
                if (nanos <= 0 || abandoned.isDone()) {
                    return new NothingYet();
                }
                nanos = changed.awaitNanos(nanos);
            }
            if (abandoned.isDone()) {
                return new NothingYet();
            }
            if (answer < 0) {
                return new Ended(removeFirst(queued.size()));
            }
            List<Utterance> before = removeFirst(answer);
            return new Heard(queued.removeFirst(), before);
        } finally {
            lock.unlock();
        }
    }

    /** The index of the first utterance that began at or after {@code cut}; -1 when none has. */
    private int firstStartedFrom(Instant cut) {
        int index = 0;
        for (Utterance utterance : queued) {
            if (!utterance.startedAt().isBefore(cut)) {
                return index;
            }
            index++;
        }
        return -1;
    }

    private List<Utterance> removeFirst(int count) {
        List<Utterance> removed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            removed.add(queued.removeFirst());
        }
        return removed;
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
}
