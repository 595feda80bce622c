package callbridge.metrics;

import callbridge.testing.PrometheusScrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text format as written, line for line, and read back by the test's own strict reader. */
class PrometheusTextTest {
    @Test
    void render_everyKind_lineForLine() {
        MetricRegistry registry = new MetricRegistry();
        Counter requests = registry.counter("demo_requests_total", "Requests served.");
        for (int i = 0; i < 3; i++) {
            requests.increment();
        }
        LabeledCounter failures = registry.counter("demo_failures_total", "Failures, by kind.", "kind", List.of("timeout", "other"));
        failures.labeled("other").increment();
        AtomicLong live = new AtomicLong(7);
        registry.gauge("demo_live_calls", "Calls now.", live::get);
        Histogram latency = registry.histogram("demo_latency_seconds", "How long.", 0.00005, 0.5, 10);
        latency.observeNanos(40_000);
        latency.observeNanos(1_250_000_000);

        assertEquals("""
                # HELP demo_requests_total Requests served.
                # TYPE demo_requests_total counter
                demo_requests_total 3
                # HELP demo_failures_total Failures, by kind.
                # TYPE demo_failures_total counter
                demo_failures_total{kind="timeout"} 0
                demo_failures_total{kind="other"} 1
                # HELP demo_live_calls Calls now.
                # TYPE demo_live_calls gauge
                demo_live_calls 7
                # HELP demo_latency_seconds How long.
                # TYPE demo_latency_seconds histogram
                demo_latency_seconds_bucket{le="0.00005"} 1
                demo_latency_seconds_bucket{le="0.5"} 1
                demo_latency_seconds_bucket{le="10"} 2
                demo_latency_seconds_bucket{le="+Inf"} 2
                demo_latency_seconds_sum 1.25004
                demo_latency_seconds_count 2
                """, PrometheusText.render(registry));
    }

    @Test
    void render_gaugesAreReadAtEachScrape() {
        MetricRegistry registry = new MetricRegistry();
        AtomicLong live = new AtomicLong(1);
        registry.gauge("demo_live_calls", "Calls now.", live::get);
        assertEquals(1, PrometheusScrape.parse(PrometheusText.render(registry)).value("demo_live_calls"));
        live.set(4);
        assertEquals(4, PrometheusScrape.parse(PrometheusText.render(registry)).value("demo_live_calls"));
    }

    @Test
    void render_latencyHistogram_readsBackWithItsQuantiles() {
        MetricRegistry registry = new MetricRegistry();
        Histogram histogram = registry.histogram("demo_latency_seconds", "How long.");
        for (int micros = 1; micros <= 1_000; micros++) {
            histogram.observeNanos(micros * 1_000L); // 1 µs .. 1 ms, evenly
        }
        PrometheusScrape scrape = PrometheusScrape.parse(PrometheusText.render(registry));
        HistogramSnapshot read = scrape.histogram("demo_latency_seconds");
        assertEquals(1_000, read.count());
        assertEquals(0.5005, scrape.sum("demo_latency_seconds"), 1e-9);
        // The truth is 500 µs and 990 µs; the buckets there are 300-500 µs and 750 µs-1 ms wide.
        assertEquals(0.0005, read.quantile(0.5), 0.0002);
        assertEquals(0.00099, read.quantile(0.99), 0.00025);
        assertEquals(histogram.snapshot().quantile(0.99), read.quantile(0.99), 1e-12);
    }

    @ParameterizedTest(name = "label value {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            // what is counted       | how the format writes it
            "plain                   | plain",
            "a \"quote\"             | a \\\"quote\\\"",
            "back\\slash             | back\\\\slash",
            "'two\nlines'            | two\\nlines",
            "'\\n is not a newline'  | \\\\n is not a newline",
            "ünïcödé ✓               | ünïcödé ✓",
    })
    void labelValues_escapeBackslashQuoteAndNewline(String value, String written) {
        assertEquals(written, PrometheusText.escapeLabelValue(value));
        MetricRegistry registry = new MetricRegistry();
        registry.counter("demo_total", "Demo.", "kind", List.of(value)).labeled(value).increment();
        String text = PrometheusText.render(registry);
        assertTrue(text.contains("demo_total{kind=\"" + written + "\"} 1\n"), text);
        assertEquals(1, PrometheusScrape.parse(text).value("demo_total", "kind", value));
    }

    @Test
    void helpText_escapesBackslashAndNewline_only() {
        assertEquals("a \\\\ b\\nc \"quoted\"", PrometheusText.escapeHelp("a \\ b\nc \"quoted\""));
        MetricRegistry registry = new MetricRegistry();
        registry.counter("demo_total", "Line one\nline two, C:\\ \"too\".");
        assertEquals("Line one\nline two, C:\\ \"too\".",
                PrometheusScrape.parse(PrometheusText.render(registry)).family("demo_total").help());
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
            "0.0,       0",
            "42.0,      42",
            "-3.0,      -3",
            "1.5,       1.5",
            "1.0E-5,    1.0E-5",
            "1.0E20,    1.0E20",
            "NaN,       NaN",
            "Infinity,  +Inf",
            "-Infinity, -Inf",
    })
    void numbers_areWrittenAsGoReadsThem(double value, String written) {
        assertEquals(written, PrometheusText.number(value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "counter without _total      | counter   | demo_requests",
            "name with a dash            | counter   | demo-requests_total",
            "name starting with a digit  | gauge     | 9demo",
            "histogram not in seconds    | histogram | demo_latency",
    })
    void registry_badNames_areRefused(String why, String kind, String name) {
        MetricRegistry registry = new MetricRegistry();
        assertThrows(IllegalArgumentException.class, () -> {
            switch (kind) {
                case "counter" -> registry.counter(name, "Help.");
                case "gauge" -> registry.gauge(name, "Help.", () -> 1);
                default -> registry.histogram(name, "Help.");
            }
        });
    }

    @Test
    void registry_aNameTwice_orAHistogramsSampleName_isRefused() {
        MetricRegistry registry = new MetricRegistry();
        registry.counter("demo_total", "Demo.");
        registry.histogram("demo_latency_seconds", "Latency.");
        assertThrows(IllegalArgumentException.class, () -> registry.counter("demo_total", "Again."));
        assertThrows(IllegalArgumentException.class, () -> registry.gauge("demo_latency_seconds_count", "Clash.", () -> 0));
        assertThrows(IllegalArgumentException.class, () -> registry.gauge("demo_blank", " ", () -> 0));
    }

    @Test
    void labeledCounter_valuesAreAClosedSet() {
        MetricRegistry registry = new MetricRegistry();
        LabeledCounter counter = registry.counter("demo_total", "Demo.", "kind", List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> counter.labeled("c"));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("other_total", "Dup.", "kind", List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("le_total", "Reserved.", "le", List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("under_total", "Reserved.", "__kind", List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("none_total", "Empty.", "kind", List.of()));
    }
}
