package callbridge.emulate;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations counted in fixed-width buckets, for percentiles that are exact to one bucket whatever the
 * number of samples. Recording is lock-free and allocates nothing: the pacer thread records every frame.
 * Longer than the last bucket counts in the last bucket (the maximum is kept exactly).
 *
 * <p>Why not the server's {@link callbridge.metrics.Histogram}: that one has 37 buckets six to a decade, as a
 * Prometheus scrape can afford, so a quantile read from it is only placed within a bucket whose top is up to
 * half again its bottom (a p99 of 5.1 ms is "between 5 and 7.5"), and it keeps no maximum, which would cost
 * the server's per-frame path a contended update. The generator's report is read to the tenth of a
 * millisecond (late frames) and the millisecond (replies) and names the worst case, so it counts into
 * 100,000 and 60,000 even buckets that are never scraped.
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
