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
    /** Lateness in 0.1 ms buckets up to 10 s. */
    private final LatencyHistogram lateness = new LatencyHistogram(100_000, 100_000);
    private final AtomicLong late = new AtomicLong();

    /** A snapshot: lateness percentiles in milliseconds. */
    record Figures(long frames, long late, double p50Millis, double p99Millis, double maxMillis) {
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
