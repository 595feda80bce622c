package callbridge.metrics;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Writes a {@link MetricRegistry} in the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): per family a
 * {@code # HELP} and a {@code # TYPE} line, then its samples, one a line, each line ended by {@code \n}.
 * <pre>
 * # HELP callbridge_calls_ended_total Calls ended, by why.
 * # TYPE callbridge_calls_ended_total counter
 * callbridge_calls_ended_total{reason="hung_up"} 3
 * # TYPE callbridge_stt_request_seconds histogram
 * callbridge_stt_request_seconds_bucket{le="0.5"} 2      (cumulative: every observation at most 0.5 s)
 * callbridge_stt_request_seconds_bucket{le="+Inf"} 3     (always there, equal to _count)
 * callbridge_stt_request_seconds_sum 1.25
 * callbridge_stt_request_seconds_count 3
 * </pre>
 */
public final class PrometheusText {
    /** What a scraper is told it gets: this format's version, in UTF-8. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** The whole exposition of {@code registry}, its gauges read now. */
    public static String render(MetricRegistry registry) {
        StringBuilder out = new StringBuilder(16 * 1024);
        for (Metric metric : registry.metrics()) {
            write(out, metric);
        }
        return out.toString();
    }

    private static void write(StringBuilder out, Metric metric) {
        String name = metric.name();
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(metric.help())).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type(metric)).append('\n');
        switch (metric) {
            case Counter counter -> sample(out, name, "", Long.toString(counter.value()));
            case LabeledCounter counter -> {
                for (Map.Entry<String, Long> value : counter.values().entrySet()) {
                    sample(out, name, label(counter.label(), value.getKey()), Long.toString(value.getValue()));
                }
            }
            case Gauge gauge -> sample(out, name, "", number(gauge.value()));
            case Histogram histogram -> writeHistogram(out, name, histogram);
        }
    }

    private static String type(Metric metric) {
        return switch (metric) {
            case Counter c -> "counter";
            case LabeledCounter c -> "counter";
            case Gauge g -> "gauge";
            case Histogram h -> "histogram";
        };
    }

    private static void writeHistogram(StringBuilder out, String name, Histogram histogram) {
        HistogramSnapshot snapshot = histogram.snapshot();
        double[] bounds = snapshot.upperBounds();
        long[] cumulative = snapshot.cumulativeCounts();
        for (int i = 0; i < bounds.length; i++) {
            sample(out, name + "_bucket", label("le", bound(bounds[i])), Long.toString(cumulative[i]));
        }
        sample(out, name + "_bucket", label("le", "+Inf"), Long.toString(snapshot.count()));
        // The sum from its own exact nanoseconds, written as plain seconds: 0.000123456, not 1.23456E-4.
        sample(out, name + "_sum", "", BigDecimal.valueOf(histogram.sumNanos(), 9).stripTrailingZeros().toPlainString());
        sample(out, name + "_count", "", Long.toString(snapshot.count()));
    }

    private static void sample(StringBuilder out, String name, String labels, String value) {
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String label(String name, String value) {
        return "{" + name + "=\"" + escapeLabelValue(value) + "\"}";
    }

    /** A bucket bound as a plain decimal: {@code 0.00001}, {@code 1.5}, {@code 10}. */
    static String bound(double seconds) {
        return BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
    }

    /**
     * A sample value as Go's {@code ParseFloat} reads it: whole numbers without a fraction, others as Java
     * writes doubles ({@code 1.5}, {@code 1.0E-5}), and {@code +Inf}, {@code -Inf}, {@code NaN}.
     */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** The format's help text escapes: a backslash and a line feed, nothing else. */
    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** The format's label value escapes: a backslash, a double quote and a line feed. */
    static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
