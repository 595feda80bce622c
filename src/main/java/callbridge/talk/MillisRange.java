package callbridge.talk;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A range of milliseconds, {@code MIN-MAX}, to draw a value from at random, evenly; one number is a range of
 * one value, and {@code 0} is none at all.
 */
record MillisRange(long min, long max) {
    static final MillisRange NONE = new MillisRange(0, 0);
    private static final Pattern RANGE = Pattern.compile("([0-9]{1,6})(?:\\s*-\\s*([0-9]{1,6}))?");

    MillisRange {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("a range of milliseconds goes from 0 up: " + min + "-" + max);
        }
    }

    /** {@code 300-700}, or {@code 500} for exactly that; empty when it is neither, or MAX is below MIN. */
    static Optional<MillisRange> parse(String text) {
        Matcher range = RANGE.matcher(text.strip());
        if (!range.matches()) {
            return Optional.empty();
        }
        long min = Long.parseLong(range.group(1));
        long max = range.group(2) == null ? min : Long.parseLong(range.group(2));
        return max < min ? Optional.empty() : Optional.of(new MillisRange(min, max));
    }

    boolean isNone() {
        return max == 0;
    }

    Duration draw(RandomGenerator random) {
        return Duration.ofMillis(min == max ? min : random.nextLong(min, max + 1));
    }

    @Override
    public String toString() {
        return min == max ? Long.toString(min) : min + "-" + max;
    }
}
