package callbridge.emulate;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations counted in fixed-width buckets, for percentiles that are exact to one bucket whatever the
 * number of samples. Recording is lock-free and allocates nothing: the pacer thread records every frame.
 * Longer than the last bucket counts in the last bucket (the maximum is kept exactly).
 */
final class LatencyHistogram {
    private final long bucketNanos;
    private final AtomicLongArray buckets;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();

    LatencyHistogram(long bucketNanos, int buckets) {
        this.bucketNanos = bucketNanos;
        this.buckets = new AtomicLongArray(buckets);
    }

    void record(long nanos) {
        long value = Math.max(0, nanos);
        buckets.incrementAndGet((int) Math.min(buckets.length() - 1, value / bucketNanos));
        count.incrementAndGet();
        maxNanos.accumulateAndGet(value, Math::max);
    }

    long count() {
        return count.get();
    }

    double maxMillis() {
        return maxNanos.get() / 1e6;
    }

    /**
     * The upper edge of the bucket holding the given fraction of samples, in milliseconds, but never above the
     * maximum: every sample of a bucket may sit below its edge, and a p50 printed above the max reads as a bug.
     * 0 with none.
     */
    double percentileMillis(double fraction) {
        return Math.min(bucketEdgeMillis(fraction), maxMillis());
    }

    private double bucketEdgeMillis(double fraction) {
        long total = count.get();
        long wanted = (long) Math.ceil(total * fraction);
        long seen = 0;
        for (int bucket = 0; bucket < buckets.length() && total > 0; bucket++) {
            seen += buckets.get(bucket);
            if (seen >= wanted) {
                return (bucket + 1) * bucketNanos / 1e6;
            }
        }
        return 0;
    }
}
