package callbridge.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long something took, counted into fixed buckets: the Prometheus histogram, whose buckets a scraper
 * turns into quantiles ({@code histogram_quantile}) and a benchmark into p50 and p99
 * ({@link HistogramSnapshot#quantile}).
 *
 * <p>Observing is meant for the per-media-frame path (about 100,000 observations a second across threads):
 * a binary search over the bucket bounds (in nanoseconds, so no floating point), then two
 * {@link LongAdder#add}s, one for the bucket and one for the sum. No lock, and nothing allocated once each
 * thread has its adder cell. One adder per bucket, each holding that bucket's own count (not the cumulative
 * one), so an observation touches one bucket; the cumulative counts, and the total count, are added up when
 * a scrape asks. A scrape that runs while observations land may see a sum a few observations ahead of or
 * behind the buckets: each is exact on its own, and the next scrape catches up.
 */
public final class Histogram extends Metric {
    /**
     * Bucket bounds for latencies, in seconds: 10 µs to 10 s, six bounds a decade (1, 1.5, 2, 3, 5, 7.5).
     * Fine enough that a quantile read from them is within one bucket (whose upper bound is at most 5/3 of its
     * lower) of the truth, from a frame's few microseconds of CPU to a speech-to-text request's seconds.
     */
    public static final double[] LATENCY_BOUNDS = {
            0.000_01, 0.000_015, 0.000_02, 0.000_03, 0.000_05, 0.000_075,
            0.000_1, 0.000_15, 0.000_2, 0.000_3, 0.000_5, 0.000_75,
            0.001, 0.001_5, 0.002, 0.003, 0.005, 0.007_5,
            0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
            0.1, 0.15, 0.2, 0.3, 0.5, 0.75,
            1, 1.5, 2, 3, 5, 7.5,
            10};

    /** Upper bounds, ascending, as given (for the {@code le} labels). */
    private final double[] upperBounds;
    /** The same bounds in nanoseconds, which observations are compared with. */
    private final long[] upperBoundsNanos;
    /** One per bound, then one for {@code +Inf}; each counts only its own observations. */
    private final LongAdder[] buckets;
    /** In nanoseconds: a long sums 292 years of observed time before it overflows. */
    private final LongAdder sumNanos = new LongAdder();

    Histogram(String name, String help, double[] upperBounds) {
        super(name, help);
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException(name + ": a histogram needs at least one bucket bound");
        }
        this.upperBounds = upperBounds.clone();
        this.upperBoundsNanos = new long[upperBounds.length];
        for (int i = 0; i < upperBounds.length; i++) {
            double bound = upperBounds[i];
            if (!(bound > 0) || Double.isInfinite(bound) || i > 0 && !(bound > upperBounds[i - 1])) {
                throw new IllegalArgumentException(name + ": bucket bounds must be positive, finite and ascending: "
                        + Arrays.toString(upperBounds));
            }
            upperBoundsNanos[i] = Math.round(bound * 1e9);
        }
        this.buckets = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /**
     * Counts one observation of {@code nanos}. A negative one (a wall clock stepped back between two
     * readings) counts as zero: it happened, and it took no measurable time.
     */
    public void observeNanos(long nanos) {
        long observed = Math.max(0, nanos);
        // The first bound not below the observation ("le" is inclusive): found, or where it would go.
        int found = Arrays.binarySearch(upperBoundsNanos, observed);
        buckets[found >= 0 ? found : -found - 1].increment();
        sumNanos.add(observed);
    }

    /** Counts the time from {@code startNanos}, a {@link System#nanoTime()} reading, to now. */
    public void observeSince(long startNanos) {
        observeNanos(System.nanoTime() - startNanos);
    }

    public void observe(Duration duration) {
        observeNanos(duration.isNegative() ? 0 : saturatedNanos(duration));
    }

    /** The buckets as they are now, cumulative as the text format writes them. */
    public HistogramSnapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new HistogramSnapshot(upperBounds, cumulative, sumNanos.sum() / 1e9);
    }

    /** The sum of every observation, in whole nanoseconds: exact, where {@link HistogramSnapshot#sum} is a double. */
    long sumNanos() {
        return sumNanos.sum();
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // longer than 292 years: the +Inf bucket either way
        }
    }
}
