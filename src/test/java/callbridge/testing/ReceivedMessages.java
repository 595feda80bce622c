package callbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The messages one WebSocket client has received, in arrival order, safe to read and await from any thread.
 * Waiting parks on a {@link Condition} (no polling); closing the connection wakes every waiter, so a test
 * fails at once with what did arrive instead of sitting out its timeout.
 */
final class ReceivedMessages {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<JsonNode> messages = new ArrayList<>();
    /** When each message arrived ({@link System#nanoTime()}), parallel to {@link #messages}. */
    private final List<Long> arrivals = new ArrayList<>();
    /** Indexes of messages already returned by {@link #await}: each is handed out once. */
    private final BitSet handedOut = new BitSet();
    private String endedBecause;

    void add(JsonNode message) {
        add(message, System.nanoTime());
    }

    void add(JsonNode message, long arrivedNanos) {
        lock.lock();
        try {
            messages.add(message);
            arrivals.add(arrivedNanos);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more messages will come; waiters stop waiting once nothing already received matches. */
    void end(String reason) {
        lock.lock();
        try {
            if (endedBecause == null) {
                endedBecause = reason;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    List<JsonNode> snapshot() {
        lock.lock();
        try {
            return List.copyOf(messages);
        } finally {
            lock.unlock();
        }
    }

    List<FakeTwilioCall.Timed> timedSnapshot() {
        lock.lock();
        try {
            List<FakeTwilioCall.Timed> timed = new ArrayList<>(messages.size());
            for (int i = 0; i < messages.size(); i++) {
                timed.add(new FakeTwilioCall.Timed(messages.get(i), arrivals.get(i)));
            }
            return timed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The earliest message matching {@code condition} that no earlier call returned, waiting up to
     * {@code timeout} for it to arrive. Throws {@link AssertionError} (a test failure naming what did
     * arrive) when none comes in time or the connection ends first.
     */
    JsonNode await(Predicate<JsonNode> condition, Duration timeout) {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            int searchedUpTo = 0;
            while (true) {
                for (int i = handedOut.nextClearBit(searchedUpTo); i < messages.size(); i = handedOut.nextClearBit(i + 1)) {
                    if (condition.test(messages.get(i))) {
                        handedOut.set(i);
                        return messages.get(i);
                    }
                }
                searchedUpTo = messages.size();
                if (endedBecause != null) {
                    throw new AssertionError("no matching message before the connection ended (" + endedBecause
                            + "); received " + summary());
                }
                if (remaining <= 0) {
                    throw new AssertionError("no matching message within " + timeout + "; received " + summary());
                }
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a message", e);
        } finally {
            lock.unlock();
        }
    }

    /** The events received, runs of one event folded: {@code [mark, media x12, clear]}. Call holding the lock. */
    private String summary() {
        List<String> parts = new ArrayList<>();
        String previous = null;
        int run = 0;
        for (JsonNode message : messages) {
            String event = message.path("event").asText("?");
            if (event.equals(previous)) {
                run++;
                continue;
            }
            if (previous != null) {
                parts.add(run > 1 ? previous + " x" + run : previous);
            }
            previous = event;
            run = 1;
        }
        if (previous != null) {
            parts.add(run > 1 ? previous + " x" + run : previous);
        }
        return parts.toString();
    }
}
