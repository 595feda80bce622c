package callbridge.logging;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One kind of log line that clients can cause over and over (refused signatures, a full server): written
 * at most once per interval, and the next one written says how many were left out in between. A flood of
 * bad requests then costs one line per interval, not one per request, and nothing goes uncounted.
 */
public final class RateLimitedLog {
    /** Often enough to see a problem begin and end, rarely enough that a flood is a handful of lines. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final System.Logger logger;
    private final Level level;
    private final Duration interval;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** When the next line may be written; null before the first. Guarded by {@link #lock}. */
    private Instant nextAllowed;
    /** Lines left out since the last one written. Guarded by {@link #lock}. */
    private long suppressed;

    private RateLimitedLog(System.Logger logger, Level level, Duration interval, InstantSource clock) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.level = Objects.requireNonNull(level, "level");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.interval = interval;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** At most one line per {@link #DEFAULT_INTERVAL}, on the system clock. */
    public static RateLimitedLog of(System.Logger logger, Level level) {
        return of(logger, level, DEFAULT_INTERVAL, InstantSource.system());
    }

    public static RateLimitedLog of(System.Logger logger, Level level, Duration interval, InstantSource clock) {
        return new RateLimitedLog(logger, level, interval, clock);
    }

    /**
     * Writes the line ({@link java.text.MessageFormat} pattern, as {@link System.Logger#log(Level, String,
     * Object...)} takes) unless one was written less than an interval ago; then it is only counted.
     */
    public void log(String format, Object... parameters) {
        if (!logger.isLoggable(level)) {
            return;
        }
        long left;
        lock.lock();
        try {
            Instant now = clock.instant();
            if (nextAllowed != null && now.isBefore(nextAllowed)) {
                suppressed++;
                return;
            }
            nextAllowed = now.plus(interval);
            left = suppressed;
            suppressed = 0;
        } finally {
            lock.unlock();
        }
        // Written outside the lock: a slow log handler must not hold up the threads that only count.
        logger.log(level, left == 0 ? format
                : format + " (and " + left + " more like it since the last one logged)", parameters);
    }
}
