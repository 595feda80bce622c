package callbridge.metrics;

/**
 * One metric family as the Prometheus text format knows it: a name, a help text, a type, and the samples
 * it shows when scraped. Sealed: {@link PrometheusText} writes each kind with one {@code switch}.
 */
public sealed interface Metric permits Counter, LabeledCounter, Gauge, Histogram {
    /** The family's name, {@code callbridge_...} with its base unit ({@code _seconds}, {@code _bytes}, {@code _total}). */
    String name();

    /** One sentence for whoever reads the scrape. */
    String help();
}
