package callbridge.emulate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The generator's own health: how late each frame left compared with when it was due. A load generator
 * that falls behind sends bursts instead of a steady 50 frames a second, and the server's figures then
 * describe the generator; this says so. Written by the pacer thread, read by whoever reports.
 */
final class Health {
    /** A frame this late or later counts as late: a quarter of a frame's 20 ms. */
    static final Duration LATE = Duration.ofMillis(5);
    /**
     * Fewer frames than this (20 s of one call) cannot show a generator falling behind: a garbage collection or
     * the JIT compiling the send path makes a few frames late in any run, and a handful out of a thousand is noise.
     */
    static final long MIN_FRAMES_FOR_VERDICT = 1_000;
    /** More late frames than this share of those sent mean the generator fell behind: a steady 1 in 100. */
    static final double LATE_SHARE_FELL_BEHIND = 0.01;
    /** Lateness in 0.1 ms buckets up to 10 s. */
    private final LatencyHistogram lateness = new LatencyHistogram(100_000, 100_000);
    private final AtomicLong late = new AtomicLong();

    /** A snapshot: lateness percentiles in milliseconds. */
    record Figures(long frames, long late, double p50Millis, double p99Millis, double maxMillis) {
        /**
         * True when enough frames were sent to judge and too many of them were late: the server then heard
         * bursts, and its figures describe the generator as much as itself.
         */
        boolean fellBehind() {
            return frames >= MIN_FRAMES_FOR_VERDICT && late > frames * LATE_SHARE_FELL_BEHIND;
        }

        @Override
        public String toString() {
            return String.format("%,d frames sent, %,d late (>= %d ms); lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                    frames, late, LATE.toMillis(), p50Millis, p99Millis, maxMillis);
        }
    }

    void frameSent(long latenessNanos) {
        lateness.record(latenessNanos);
        if (latenessNanos >= LATE.toNanos()) {
            late.incrementAndGet();
        }
    }

    long frames() {
        return lateness.count();
    }

    Figures figures() {
        return new Figures(lateness.count(), late.get(), lateness.percentileMillis(0.50), lateness.percentileMillis(0.99),
                lateness.maxMillis());
    }
}
