package callbridge.testing;

import java.time.Duration;

/**
 * Waits for a state that a test can look at but that signals nothing when it changes (a connection count,
 * a queue's contents, a turn being held): looks again every few milliseconds until it holds or the deadline
 * passes. The one poll of the test suite; whatever can signal (a latch, a future, a log record, a request
 * log) is waited for directly instead.
 */
public final class Await {
    private static final Duration LOOK_AGAIN = Duration.ofMillis(10);

    /** A state to look at; it may throw, which fails the wait. */
    @FunctionalInterface
    public interface State {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Returns once {@code state} holds; fails naming {@code what} if it does not within {@code timeout}. */
    public static void until(String what, Duration timeout, State state) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!state.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(LOOK_AGAIN); // the documented poll: the state signals nothing when it changes
        }
    }
}
