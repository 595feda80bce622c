package callbridge.testing;

import callbridge.time.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when the test says, and a {@link Sleeper} on it: a sleep returns once the test
 * has moved the clock past its end. Timers, watchdogs and back-off then run in no real time, and a test
 * can wait until a thread has gone to sleep ({@link #awaitSleepsBegun}) before moving the clock.
 */
public final class ManualTime extends Clock implements Sleeper {
    private static final Duration GIVE_UP = Duration.ofSeconds(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Instant now;
    private int sleepsBegun;

    public ManualTime() {
        this(Instant.parse("2025-01-01T00:00:00Z"));
    }

    public ManualTime(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    /** Moves the clock on, waking every sleep that has ended by then. */
    public void advance(Duration by) {
        lock.lock();
        try {
            now = now.plus(by);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        lock.lock();
        try {
            Instant wake = now.plus(duration);
            sleepsBegun++;
            changed.signalAll();
            while (now.isBefore(wake)) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps begun so far, by any thread. */
    public int sleepsBegun() {
        lock.lock();
        try {
            return sleepsBegun;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code count} sleeps in all have begun: after moving the clock, waiting for one more sleep
     * than before is how a test knows that a periodic task has done its round.
     */
    public void awaitSleepsBegun(int count) throws InterruptedException {
        long nanos = GIVE_UP.toNanos();
        lock.lock();
        try {
            while (sleepsBegun < count) {
                if (nanos <= 0) {
                    throw new AssertionError("expected " + count + " sleep(s) begun, found " + sleepsBegun);
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a manual clock has one zone");
    }
}
