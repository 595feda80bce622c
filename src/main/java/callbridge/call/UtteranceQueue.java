package callbridge.call;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    private final Changes changes = new Changes();
    private final ArrayDeque<Utterance> queued = new ArrayDeque<>();
    private boolean closed;

    void add(Utterance utterance) {
        changes.change(() -> queued.addLast(utterance));
    }

    /** No more utterances will come. */
    void close() {
        changes.change(() -> closed = true);
    }

    /**
     * The answer to a turn: the first utterance that began at or after {@code cut}, with the ones queued
     * ahead of it as {@code heardBefore}; once the queue is closed with no such utterance, {@link Ended}
     * with everything left. Waits up to {@code timeout}, or until {@code abandoned} completes (whoever
     * asked has gone away); {@link NothingYet} then, leaving the queue as it was.
     */
    public Next takeAnswer(Instant cut, Duration timeout, CompletableFuture<?> abandoned) throws InterruptedException {
        changes.wakeWhen(abandoned);
        long nanos = timeout.toNanos();
        changes.lock();
        try {
            int answer;
            while ((answer = firstStartedFrom(cut)) < 0 && !closed) {
                if (nanos <= 0 || abandoned.isDone()) {
                    return new NothingYet();
                }
                nanos = changes.awaitNanos(nanos);
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
            changes.unlock();
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

    /** Everything queued now, removed from the queue, without waiting. */
    public List<Utterance> drain() {
        changes.lock();
        try {
            List<Utterance> all = new ArrayList<>(queued);
            queued.clear();
            return all;
        } finally {
            changes.unlock();
        }
    }
}
