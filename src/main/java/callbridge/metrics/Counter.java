package callbridge.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A count that only goes up: events since the server started. A {@link LongAdder}, not an
 * {@code AtomicLong}: threads that count at the same moment add to cells of their own instead of fighting
 * over one cache line, and adding allocates nothing once a thread has its cell; the cells are summed only
 * when someone reads the value (a scrape, a few times a minute).
 */
public final class Counter extends Metric {
    private final LongAdder count = new LongAdder();

    Counter(String name, String help) {
        super(name, help);
    }

    public void increment() {
        count.increment();
    }

    public long value() {
        return count.sum();
    }
}
