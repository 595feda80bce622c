package callbridge.websocket;

/**
 * How many frames a peer may send: a token bucket refilled at {@link #perSecond}, holding at most
 * {@link #burst}. Every frame costs one, whatever its kind or size: an empty continuation, a ping or a
 * one-byte fragment costs a read, a decode and (for a ping) a pong, so a flood of them is as much work as
 * a flood of messages while carrying no data a message-level limit would see. Times are
 * {@link System#nanoTime()} values, passed in so tests choose them. Used on one selector thread.
 */
final class FrameBudget {
    /**
     * A Twilio media stream sends 50 frames a second (one 20 ms media message each) and a few marks and
     * keys; four times that leaves room for a peer that fragments its messages.
     */
    static final int DEFAULT_PER_SECOND = 200;
    /** A network stall of a few seconds delivers its frames at once: 5 s of a media stream is 250. */
    static final int DEFAULT_BURST = 1_000;

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastNanos;

    FrameBudget(int perSecond, int burst, long nowNanos) {
        if (perSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("a frame budget needs a positive rate and burst");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one frame's token at {@code nowNanos}; false when the peer has sent faster than the budget. */
    boolean take(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perSecond / 1e9);
            lastNanos = nowNanos;
        }
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
