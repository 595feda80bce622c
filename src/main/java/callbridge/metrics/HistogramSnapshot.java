package callbridge.metrics;

/**
 * A histogram's buckets at one moment, cumulative as Prometheus writes them: {@code cumulativeCounts[i]}
 * observations were at most {@code upperBounds[i]} seconds, and the last count, for {@code +Inf}, is every
 * observation. Made by {@link Histogram#snapshot()}; {@link PrometheusText} writes it, and {@link #quantile}
 * reads it as Prometheus does.
 */
public final class HistogramSnapshot {
    private final double[] upperBounds;
    private final long[] cumulativeCounts;
    private final double sum;

    HistogramSnapshot(double[] upperBounds, long[] cumulativeCounts, double sum) {
        this.upperBounds = upperBounds;
        this.cumulativeCounts = cumulativeCounts;
        this.sum = sum;
    }

    /** How many observations, in all. */
    public long count() {
        return cumulativeCounts[cumulativeCounts.length - 1];
    }

    public double[] upperBounds() {
        return upperBounds.clone();
    }

    /** One more than {@link #upperBounds()}: the last is the {@code +Inf} bucket, equal to {@link #count()}. */
    public long[] cumulativeCounts() {
        return cumulativeCounts.clone();
    }

    /**
     * The {@code q}-quantile in seconds, estimated as Prometheus's {@code histogram_quantile} does: find the
     * bucket that holds the observation of rank {@code q * count}, and interpolate linearly inside it (the
     * first bucket starts at 0). An answer is only as fine as the buckets: somewhere in that bucket. When the
     * rank falls in the {@code +Inf} bucket the largest finite bound is returned: the truth is above it.
     * NaN when nothing was observed.
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile is from 0 to 1, got " + q);
        }
        long count = count();
        if (count == 0) {
            return Double.NaN;
        }
        double rank = q * count;
        int bucket = 0;
        // The first bucket holding the rank; for q = 0, the first bucket holding anything.
        while (bucket < upperBounds.length && (cumulativeCounts[bucket] < rank || cumulativeCounts[bucket] == 0)) {
            bucket++;
        }
        if (bucket == upperBounds.length) {
            return upperBounds[upperBounds.length - 1];
        }
        double lower = bucket == 0 ? 0 : upperBounds[bucket - 1];
        long below = bucket == 0 ? 0 : cumulativeCounts[bucket - 1];
        return lower + (upperBounds[bucket] - lower) * (rank - below) / (cumulativeCounts[bucket] - below);
    }

    @Override
    public String toString() {
        return "HistogramSnapshot[count=" + count() + ", sum=" + sum + " s, p50=" + quantile(0.5) + " s, p99=" + quantile(0.99) + " s]";
    }
}
