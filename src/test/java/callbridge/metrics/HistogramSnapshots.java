package callbridge.metrics;

import java.util.Arrays;

/**
 * Histogram snapshots read back from a scrape's text, for the tests and benchmarks that read the server's
 * {@code /metrics}: the same {@link HistogramSnapshot} the server's own histograms give, so a quantile of a
 * scrape is the server's arithmetic, not a second copy of it.
 */
public final class HistogramSnapshots {
    private HistogramSnapshots() {
    }

    /**
     * @param upperBounds      the finite bounds, ascending
     * @param cumulativeCounts one more than the bounds: the last is the {@code +Inf} bucket
     * @param sum              the sum of every observation, in seconds
     */
    public static HistogramSnapshot fromCumulative(double[] upperBounds, long[] cumulativeCounts, double sum) {
        if (cumulativeCounts.length != upperBounds.length + 1) {
            throw new IllegalArgumentException("want " + (upperBounds.length + 1) + " cumulative counts (the last for +Inf), got "
                    + cumulativeCounts.length);
        }
        for (int i = 0; i < cumulativeCounts.length; i++) {
            if (cumulativeCounts[i] < 0 || i > 0 && cumulativeCounts[i] < cumulativeCounts[i - 1]) {
                throw new IllegalArgumentException("cumulative counts must not decrease: " + Arrays.toString(cumulativeCounts));
            }
            if (i > 0 && i < upperBounds.length && !(upperBounds[i] > upperBounds[i - 1])) {
                throw new IllegalArgumentException("bounds must ascend: " + Arrays.toString(upperBounds));
            }
        }
        return new HistogramSnapshot(upperBounds.clone(), cumulativeCounts.clone(), sum);
    }
}
