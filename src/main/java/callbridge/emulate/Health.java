package callbridge.emulate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The generator's own health: how late each frame left compared with when it was due. A load generator
 * that falls behind sends bursts instead of a steady 50 frames a second, and the server's figures then
 * describe the generator; this says so. Written by the pacer thread, read by whoever reports.
 */
final class Health {
    /** A frame this late or later counts as late: a quarter of a frame's 20 ms. */
    static final Duration LATE = Duration.ofMillis(5);
    /** Lateness is kept in buckets of this width, up to {@link #BUCKETS} of them; later goes in the last. */
    private static final long BUCKET_NANOS = 100_000;
    private static final int BUCKETS = 100_000;

    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();

    /** A snapshot: lateness percentiles in milliseconds. */
    record Figures(long frames, long late, double p50Millis, double p99Millis, double maxMillis) {
        @Override
        public String toString() {
            return String.format("%,d frames sent, %,d late (>= %d ms); lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                    frames, late, LATE.toMillis(), p50Millis, p99Millis, maxMillis);
        }
    }

    void frameSent(long latenessNanos) {
        long lateness = Math.max(0, latenessNanos);
        histogram.incrementAndGet((int) Math.min(BUCKETS - 1, lateness / BUCKET_NANOS));
        frames.incrementAndGet();
        if (lateness >= LATE.toNanos()) {
            late.incrementAndGet();
        }
        maxNanos.accumulateAndGet(lateness, Math::max);
    }

    long frames() {
        return frames.get();
    }

    Figures figures() {
        long total = frames.get();
        return new Figures(total, late.get(), percentile(total, 0.50), percentile(total, 0.99), maxNanos.get() / 1e6);
    }

    /** The upper edge of the bucket holding the given fraction of frames, in milliseconds. */
    private double percentile(long total, double fraction) {
        long wanted = (long) Math.ceil(total * fraction);
        long seen = 0;
        for (int bucket = 0; bucket < BUCKETS && total > 0; bucket++) {
            seen += histogram.get(bucket);
            if (seen >= wanted) {
                return (bucket + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return 0;
    }
}
