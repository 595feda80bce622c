package callbridge.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Collections;

/**
 * A counter split by one label whose values are fixed when it is registered ({@code reason} of a call's
 * end, {@code kind} of a failure). A closed set on purpose: every label value is a series a scraper
 * stores forever, so a value a client could choose (a CallSid, an error message) would let it grow the
 * scrape without bound. Asking for a value outside the set is a programming error and throws.
 */
public final class LabeledCounter extends Metric {
    private final String label;
    /** Each value's own counter, in the order the values were given (the order they are written in). */
    private final Map<String, Counter> byValue;

    LabeledCounter(String name, String help, String label, List<String> values) {
        super(name, help);
        this.label = label;
        Map<String, Counter> counters = new LinkedHashMap<>();
        for (String value : values) {
            if (value.isEmpty() || counters.put(value, new Counter(name, help)) != null) {
                throw new IllegalArgumentException(name + ": label values must be distinct and not empty: " + values);
            }
        }
        if (counters.isEmpty()) {
            throw new IllegalArgumentException(name + ": a labeled counter needs at least one label value");
        }
        this.byValue = Collections.unmodifiableMap(counters);
    }

    /** The counter for one label value; callers on a hot path may keep it. */
    public Counter labeled(String value) {
        Counter counter = byValue.get(value);
        if (counter == null) {
            throw new IllegalArgumentException(name() + ": " + label + "=\"" + value + "\" is not one of " + byValue.keySet());
        }
        return counter;
    }

    /** The label's name, such as {@code reason}. */
    public String label() {
        return label;
    }

    /** Every label value with its count, in the order they were registered. */
    public Map<String, Long> values() {
        Map<String, Long> values = new LinkedHashMap<>();
        byValue.forEach((value, counter) -> values.put(value, counter.value()));
        return values;
    }
}
