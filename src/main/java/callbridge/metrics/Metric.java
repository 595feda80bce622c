package callbridge.metrics;

/**
 * One metric family as the Prometheus text format knows it: a name, a help text, a type, and the samples
 * it shows when scraped. Sealed: {@link PrometheusText} writes each kind with one {@code switch}.
 */
public abstract sealed class Metric permits Counter, LabeledCounter, Gauge, Histogram {
    private final String name;
    private final String help;

    Metric(String name, String help) {
        this.name = name;
        this.help = help;
    }

    /** The family's name, {@code callbridge_...} with its base unit ({@code _seconds}, {@code _bytes}, {@code _total}). */
    public final String name() {
        return name;
    }

    /** One sentence for whoever reads the scrape. */
    public final String help() {
        return help;
    }
}
