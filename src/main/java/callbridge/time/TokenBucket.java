package callbridge.time;

/**
 * A rate with a burst: tokens refill at {@code perSecond} up to {@code capacity}, and each use takes its
 * cost or is refused. Times are passed in (nanoseconds on any monotonic scale, such as
 * {@link System#nanoTime()} or a clock the test moves), so the arithmetic is one thing and the clock
 * another. Not thread-safe: callers that share one guard it.
 */
public final class TokenBucket {
    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long lastNanos;

    /** Starts full at {@code nowNanos}. */
    public TokenBucket(double capacity, double perSecond, long nowNanos) {
        if (!(capacity > 0) || !(perSecond > 0)) {
            throw new IllegalArgumentException("a token bucket needs a positive capacity and rate");
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes {@code cost} tokens at {@code nowNanos}; false, and nothing taken, when fewer are left. A clock that goes back refills nothing. */
    public boolean take(double cost, long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perSecond / 1e9);
            lastNanos = nowNanos;
        }
        if (tokens < cost) {
            return false;
        }
        tokens -= cost;
        return true;
    }
}
