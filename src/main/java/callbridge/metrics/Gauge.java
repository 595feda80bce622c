package callbridge.metrics;

import java.util.function.DoubleSupplier;

/**
 * A value that goes up and down (live calls, heap in use), read from its source when scraped rather than
 * kept up to date on every change: the source (a map's size, the JVM's memory bean) already knows it.
 */
public final class Gauge extends Metric {
    private final DoubleSupplier source;

    Gauge(String name, String help, DoubleSupplier source) {
        super(name, help);
        this.source = source;
    }

    /** Reads the source now. */
    public double value() {
        return source.getAsDouble();
    }
}
