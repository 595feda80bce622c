package callbridge.time;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Tries an operation again after failures that may pass (a 5xx, a 429, a refused connection), pausing
 * between tries for a time that doubles each time, so a struggling service is not hammered. Used for
 * ElevenLabs requests and for completing calls at Twilio.
 */
public final class Retry {
    /**
     * @param attempts   tries in all, at least one
     * @param firstPause the pause before the second try; it doubles before each later one
     */
    public record Policy(int attempts, Duration firstPause) {
        public Policy {
            Objects.requireNonNull(firstPause, "firstPause");
            if (attempts < 1 || firstPause.isNegative()) {
                throw new IllegalArgumentException("a retry policy needs at least one attempt and no negative pause: "
                        + attempts + ", " + firstPause);
            }
        }
    }

    /** One try of the operation. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    private Retry() {
    }

    /**
     * Runs {@code attempt} until it succeeds, fails in a way {@code mayPass} rejects, or has used every
     * try; the last failure is then thrown. Before each pause {@code beforePause} hears the failure and
     * the pause (to log them). Unchecked exceptions are never retried.
     */
    @SuppressWarnings("unchecked")
    public static <T, E extends Exception> T run(Policy policy, Sleeper sleeper, Attempt<T, E> attempt,
                                                 Predicate<? super E> mayPass,
                                                 BiConsumer<? super E, Duration> beforePause)
            throws E, InterruptedException {
        Duration pause = policy.firstPause();
        for (int tried = 1; ; tried++) {
            E failure;
            try {
                return attempt.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                failure = (E) e; // Attempt.run throws only E besides unchecked exceptions, rethrown above
            }
            if (tried == policy.attempts() || !mayPass.test(failure)) {
                throw failure;
            }
            beforePause.accept(failure, pause);
            sleeper.sleep(pause);
            pause = pause.multipliedBy(2);
        }
    }
}
