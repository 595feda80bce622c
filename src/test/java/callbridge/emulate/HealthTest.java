package callbridge.emulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's health lines: an alarm only when it is earned, figures that agree with each other. */
class HealthTest {
    private static final long MS = 1_000_000;

    @ParameterizedTest(name = "{1} late of {0} frames: fell behind {2}")
    @CsvSource({
            "1249,   5, false",  // one call of 25 s with a few late at start-up: the case that alarmed
            "999,  500, false",  // too few frames to judge
            "1000,  10, false",  // 1 in 100 late: the limit, not past it
            "1000,  11, true",
            "100000, 2000, true"})
    void fellBehind_needsEnoughFrames_andMoreThanOneInAHundredLate(long frames, long late, boolean fellBehind) {
        assertEquals(fellBehind, new Health.Figures(frames, late, 0.1, 1, 10).fellBehind());
    }

    @Test
    void percentiles_neverExceedTheMaximum() {
        LatencyHistogram histogram = new LatencyHistogram(MS / 10, 1_000); // 0.1 ms buckets
        histogram.record(MS / 20);
        histogram.record(MS / 50);
        assertEquals(0.05, histogram.maxMillis(), 1e-9);
        assertEquals(0.05, histogram.percentileMillis(0.50), 1e-9, "the bucket's edge, 0.1 ms, is past every sample");
        assertEquals(0.05, histogram.percentileMillis(0.99), 1e-9);
    }

    @Test
    void healthFigures_showNoP50AboveTheMax() {
        Health health = new Health();
        for (int i = 0; i < 100; i++) {
            health.frameSent(30_000); // 0.03 ms late each
        }
        Health.Figures figures = health.figures();
        assertTrue(figures.p50Millis() <= figures.maxMillis() && figures.p99Millis() <= figures.maxMillis(), figures.toString());
    }

    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', textBlock = """
            400   | 25000 | 1249   | generator CPU 1.6% of one core while every call ran
            8000  | 10000 | 250000 | generator CPU 32.0 us per frame, 80.0% of one core, while every call ran
            100   | 500   | 25     | generator CPU not measured (under 1 s with every call running)
            """)
    void generatorCpu_isAShareOfACore_perFrameOnlyUnderLoad(long cpuMillis, long wallMillis, long frames, String line) {
        assertEquals(line, new GeneratorCpu(Duration.ofMillis(cpuMillis), Duration.ofMillis(wallMillis), frames).toString());
    }
}
