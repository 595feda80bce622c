package callbridge.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A point in time by which a whole operation must be done, however many waits it takes: each wait is for
 * the time {@link #remaining()}, never for the full timeout again.
 *
 * @param at    when the time is up
 * @param clock the clock it is read on
 */
public record Deadline(Instant at, Clock clock) {
    public Deadline {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(clock, "clock");
    }

    /** The deadline {@code timeout} from now on {@code clock}. */
    public static Deadline after(Duration timeout, Clock clock) {
        return new Deadline(clock.instant().plus(timeout), clock);
    }

    /** The time left; zero once the deadline has passed, never negative. */
    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public boolean hasPassed() {
        return !clock.instant().isBefore(at);
    }
}
