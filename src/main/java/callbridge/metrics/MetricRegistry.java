package callbridge.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * The metrics one server exports, in the order they were registered (the order a scrape lists them).
 * Each layer registers what it measures when it is wired, and keeps the returned objects to count with;
 * a name may be registered once. Not a global: the server makes one and hands it down, so tests that run
 * servers side by side in one JVM each read their own.
 */
public final class MetricRegistry {
    /** The text format's metric names (https://prometheus.io/docs/concepts/data_model/). */
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** Label names; those starting with {@code __} are Prometheus's own. */
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<Metric> metrics = new CopyOnWriteArrayList<>();
    /** Makes checking a name and adding it one step; scrapes read {@link #metrics} without it. */
    private final ReentrantLock registering = new ReentrantLock();

    /** A counter; its name ends in {@code _total}, as Prometheus names counters. */
    public Counter counter(String name, String help) {
        return register(new Counter(counterName(name), help));
    }

    /** A counter split by {@code label}, which takes exactly the given values. */
    public LabeledCounter counter(String name, String help, String label, List<String> values) {
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
            throw new IllegalArgumentException("not a label name for " + name + ": '" + label + "'");
        }
        return register(new LabeledCounter(counterName(name), help, label, List.copyOf(values)));
    }

    /** A gauge read from {@code source} at each scrape; the source must be cheap and thread-safe. */
    public Gauge gauge(String name, String help, DoubleSupplier source) {
        return register(new Gauge(name, help, source));
    }

    /** A latency histogram with the {@link Histogram#LATENCY_BOUNDS}; its name ends in {@code _seconds}. */
    public Histogram histogram(String name, String help) {
        return histogram(name, help, Histogram.LATENCY_BOUNDS);
    }

    /** A histogram of durations with these bucket bounds in seconds (ascending; {@code +Inf} is added). */
    public Histogram histogram(String name, String help, double... upperBounds) {
        if (!name.endsWith("_seconds")) {
            throw new IllegalArgumentException("a histogram of durations is named in seconds (..._seconds): " + name);
        }
        return register(new Histogram(name, help, upperBounds));
    }

    /** Every registered metric, in registration order. */
    public List<Metric> metrics() {
        return List.copyOf(metrics);
    }

    private static String counterName(String name) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        return name;
    }

    /** The names a metric's samples are written under. */
    private static List<String> sampleNames(Metric metric) {
        String name = metric.name();
        return metric instanceof Histogram ? List.of(name, name + "_bucket", name + "_sum", name + "_count") : List.of(name);
    }

    private <M extends Metric> M register(M metric) {
        if (!METRIC_NAME.matcher(metric.name()).matches()) {
            throw new IllegalArgumentException("not a metric name: '" + metric.name() + "'");
        }
        if (metric.help().isBlank()) {
            throw new IllegalArgumentException(metric.name() + " needs a help text");
        }
        registering.lock();
        try {
            // A histogram's samples take its name plus _bucket, _sum and _count: none of those may clash either.
            List<String> taken = metrics.stream().flatMap(m -> sampleNames(m).stream()).toList();
            if (sampleNames(metric).stream().anyMatch(taken::contains)) {
                throw new IllegalArgumentException(metric.name() + " is already registered, or its samples' names are taken");
            }
            metrics.add(metric);
            return metric;
        } finally {
            registering.unlock();
        }
    }
}
