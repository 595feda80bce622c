package callbridge.time;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Tries an operation again after a retryable failure, one that may pass (a 5xx, a 429, a refused connection), pausing
 * between tries for a time that doubles each time, so a struggling service is not hammered; when the
 * service says how long to wait ({@code Retry-After}, read by {@link RetryAfter}) that wait is taken
 * instead. Used for ElevenLabs, Galtea and LLM requests and for completing calls at Twilio.
 *
 * <p>Both the tries and the time spent waiting between them are bounded: a pause that would take the
 * waits past {@link Policy#maxWait()} (a {@code Retry-After} of an hour, say) ends the retries at once with
 * the failure in hand, rather than holding a call or a conversation hostage. So a whole operation takes
 * at most {@code attempts} times its own timeout plus {@code maxWait}.
 */
public final class Retry {
    /**
     * @param attempts   tries in all, at least one
     * @param firstPause the pause before the second try; it doubles before each later one
     * @param maxWait    the most time all pauses together may take
     */
    public record Policy(int attempts, Duration firstPause, Duration maxWait) {
        public Policy {
            Objects.requireNonNull(firstPause, "firstPause");
            Objects.requireNonNull(maxWait, "maxWait");
            if (attempts < 1 || firstPause.isNegative() || maxWait.isNegative()) {
                throw new IllegalArgumentException("a retry policy needs at least one attempt and no negative pause: "
                        + attempts + ", " + firstPause + ", " + maxWait);
            }
        }

        /** Waits for nothing longer than the doubling pauses themselves add up to. */
        public Policy(int attempts, Duration firstPause) {
            this(attempts, firstPause, doublingPauses(attempts, firstPause));
        }

        private static Duration doublingPauses(int attempts, Duration firstPause) {
            Duration total = Duration.ZERO;
            Duration pause = firstPause;
            for (int i = 1; i < attempts; i++) {
                total = total.plus(pause);
                pause = pause.multipliedBy(2);
            }
            return total;
        }
    }

    /** One try of the operation. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    private Retry() {
    }

    /** {@link #run(Policy, Sleeper, Attempt, Predicate, Function, BiConsumer)} for a service that never says how long to wait. */
    public static <T, E extends Exception> T run(Policy policy, Sleeper sleeper, Attempt<T, E> attempt,
                                                 Predicate<? super E> retryable,
                                                 BiConsumer<? super E, Duration> beforePause)
            throws E, InterruptedException {
        return run(policy, sleeper, attempt, retryable, failure -> Optional.empty(), beforePause);
    }

    /**
     * Runs {@code attempt} until it succeeds, fails in a way {@code retryable} rejects, has used every try,
     * or would wait past the policy's {@code maxWait}; the last failure is then thrown. The pause after a
     * failure is the one {@code askedPause} finds in it (the service's {@code Retry-After}), else the
     * doubling back-off. Before each pause {@code beforePause} hears the failure and the pause (to log
     * them). Unchecked exceptions are never retried.
     */
    @SuppressWarnings("unchecked")
    public static <T, E extends Exception> T run(Policy policy, Sleeper sleeper, Attempt<T, E> attempt,
                                                 Predicate<? super E> retryable,
                                                 Function<? super E, Optional<Duration>> askedPause,
                                                 BiConsumer<? super E, Duration> beforePause)
            throws E, InterruptedException {
        Duration backOff = policy.firstPause();
        Duration waited = Duration.ZERO;
        for (int tried = 1; ; tried++) {
            E failure;
            try {
                return attempt.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                failure = (E) e; // Attempt.run throws only E besides unchecked exceptions, rethrown above
            }
            if (tried == policy.attempts() || !retryable.test(failure)) {
                throw failure;
            }
            Duration pause = askedPause.apply(failure).orElse(backOff);
            if (waited.plus(pause).compareTo(policy.maxWait()) > 0) {
                throw failure;
            }
            beforePause.accept(failure, pause);
            sleeper.sleep(pause);
            waited = waited.plus(pause);
            backOff = backOff.multipliedBy(2);
        }
    }
}
