package callbridge.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bucketing (bounds inclusive, as {@code le} says), the sum, quantiles, and counting from many threads. */
class HistogramTest {
    private static final double[] BOUNDS = {0.001, 0.01, 0.1};

    private static Histogram histogram() {
        return new MetricRegistry().histogram("test_seconds", "A test.", BOUNDS);
    }

    @ParameterizedTest(name = "{0} ns lands in bucket {1}")
    @CsvSource({
            // nanos,         bucket (0: le=0.001, 1: le=0.01, 2: le=0.1, 3: +Inf)
            "0,               0",
            "1,               0",
            "999999,          0",
            "1000000,         0",   // exactly on a bound: le is "less than or equal"
            "1000001,         1",
            "10000000,        1",
            "10000001,        2",
            "100000000,       2",
            "100000001,       3",
            "9223372036854775807, 3",
            "-5,              0",   // a clock stepped back: counted, as no time
    })
    void observeNanos_landsInTheFirstBucketNotBelowIt(long nanos, int bucket) {
        Histogram histogram = histogram();
        histogram.observeNanos(nanos);
        long[] expected = new long[BOUNDS.length + 1];
        for (int i = bucket; i < expected.length; i++) {
            expected[i] = 1; // cumulative: every bucket from its own on counts it
        }
        assertArrayEquals(expected, histogram.snapshot().cumulativeCounts());
    }

    @Test
    void snapshot_countsSumsAndKeepsTheBounds() {
        Histogram histogram = histogram();
        histogram.observe(Duration.ofMillis(5));
        histogram.observe(Duration.ofMillis(50));
        histogram.observe(Duration.ofSeconds(2));
        HistogramSnapshot snapshot = histogram.snapshot();
        assertEquals(3, snapshot.count());
        assertTrue(snapshot.toString().contains("sum=2.055 s"), snapshot.toString());
        assertArrayEquals(new long[]{0, 1, 2, 3}, snapshot.cumulativeCounts());
        assertArrayEquals(BOUNDS, snapshot.upperBounds());
        assertEquals(2_055_000_000L, histogram.sumNanos());
    }

    @Test
    void observe_hugeDuration_goesToInfWithoutOverflow() {
        Histogram histogram = histogram();
        histogram.observe(Duration.ofDays(365L * 1_000));
        assertArrayEquals(new long[]{0, 0, 0, 1}, histogram.snapshot().cumulativeCounts());
    }

    @Test
    void quantile_interpolatesInsideTheBucketAsPrometheusDoes() {
        // 100 observations: 50 at most 1 ms, 40 more up to 10 ms, 10 more up to 100 ms.
        HistogramSnapshot snapshot = HistogramSnapshots.fromCumulative(BOUNDS, new long[]{50, 90, 100, 100}, 1.0);
        assertEquals(0.001, snapshot.quantile(0.5), 1e-12);              // rank 50: the top of the first bucket
        assertEquals(0.0005, snapshot.quantile(0.25), 1e-12);            // halfway through 0..1 ms
        assertEquals(0.001 + 0.009 * 0.75, snapshot.quantile(0.8), 1e-12); // 30 of the 40 between 1 and 10 ms
        assertEquals(0.01 + 0.09 * 0.9, snapshot.quantile(0.99), 1e-12);
        assertEquals(0.0, snapshot.quantile(0), 1e-12);
    }

    @Test
    void quantile_inTheInfBucket_isTheLargestFiniteBound() {
        HistogramSnapshot snapshot = HistogramSnapshots.fromCumulative(BOUNDS, new long[]{0, 0, 1, 10}, 100);
        assertEquals(0.1, snapshot.quantile(0.99), 1e-12);
        assertEquals(0.01, snapshot.quantile(0), 1e-12); // the first bucket holding anything starts at 10 ms
    }

    @Test
    void quantile_nothingObserved_isNaN() {
        assertTrue(Double.isNaN(histogram().snapshot().quantile(0.5)));
    }

    @Test
    void latencyBounds_reachFromTenMicrosecondsToTenSeconds_fineEnoughForP99() {
        double[] bounds = Histogram.LATENCY_BOUNDS;
        assertEquals(0.000_01, bounds[0]);
        assertEquals(10, bounds[bounds.length - 1]);
        for (int i = 1; i < bounds.length; i++) {
            assertTrue(bounds[i] / bounds[i - 1] <= 5.0 / 3 + 1e-9, "bucket " + bounds[i - 1] + ".." + bounds[i] + " is wider than 5/3");
        }
        new MetricRegistry().histogram("ok_seconds", "Accepted as they are.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "none           | ''",
            "zero           | 0",
            "negative       | -1",
            "not ascending  | 0.1 0.01",
            "repeated       | 0.1 0.1",
            "infinite       | 0.1 Infinity",
    })
    void histogram_badBounds_areRefused(String name, String bounds) {
        double[] parsed = bounds.isBlank() ? new double[0]
                : java.util.Arrays.stream(bounds.split(" ")).mapToDouble(Double::parseDouble).toArray();
        assertThrows(IllegalArgumentException.class, () -> new MetricRegistry().histogram("bad_seconds", "Bad.", parsed));
    }

    @Test
    void fromCumulative_decreasingCounts_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> HistogramSnapshots.fromCumulative(BOUNDS, new long[]{2, 1, 2, 2}, 0));
        assertThrows(IllegalArgumentException.class, () -> HistogramSnapshots.fromCumulative(BOUNDS, new long[]{1, 1, 1}, 0));
    }

    @Test
    void observe_fromManyThreadsAtOnce_losesNothing() throws Exception {
        Histogram histogram = histogram();
        Counter counter = new MetricRegistry().counter("events_total", "Events.");
        int threads = 8;
        int each = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long nanos = t % 2 == 0 ? 500_000 : 50_000_000; // half in the first bucket, half in the third
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    histogram.observeNanos(nanos);
                    counter.increment();
                }
            }));
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        long half = (long) threads / 2 * each;
        assertArrayEquals(new long[]{half, half, 2 * half, 2 * half}, histogram.snapshot().cumulativeCounts());
        assertEquals(half * 500_000 + half * 50_000_000, histogram.sumNanos());
        assertEquals(2 * half, counter.value());
    }
}
