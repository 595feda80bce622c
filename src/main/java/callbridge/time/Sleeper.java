package callbridge.time;

import java.time.Duration;

/**
 * A way to pause. The server's is {@link Thread#sleep(Duration)}; a test passes one that returns when the
 * test moves its clock, so back-off and timers run in no real time at all.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
