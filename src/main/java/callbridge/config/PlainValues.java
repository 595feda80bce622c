package callbridge.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * How callbridge reads a number or a yes-or-no that a person or a program wrote: a setting, a query
 * parameter of {@code /generate} or {@code /calls/next}, a flag of {@code talk} or {@code emulate}. One set of
 * rules for all of them, so that a value that works in one place works the same in every other:
 * <ul>
 * <li>a number is a plain decimal ({@code 30}, {@code 120.0}, {@code .75}, {@code +2}); never an exponent
 *     ({@code 1e1}), hex ({@code 0x1p0}), a type suffix ({@code 1d}), {@code NaN} or {@code Infinity}, all
 *     of which {@link Double#parseDouble} would take;
 * <li>a yes-or-no is {@code true}, {@code yes}, {@code 1} or {@code on}, and {@code false}, {@code no},
 *     {@code 0} or {@code off}, in any case (Python's drivers send {@code True}).
 * </ul>
 * White space around a value is ignored. Each reader says empty for what it cannot read, and the caller
 * names its own setting or parameter in the error.
 */
public final class PlainValues {
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

    private PlainValues() {
    }

    /** The plain decimal {@code text} holds; empty for anything else. */
    public static OptionalDouble decimal(String text) {
        String value = text.strip();
        return PLAIN_DECIMAL.matcher(value).matches() ? OptionalDouble.of(Double.parseDouble(value)) : OptionalDouble.empty();
    }

    /** Seconds written as a plain decimal ({@code 2.5}), from {@code min} to {@code max}, to the millisecond. */
    public static Optional<Duration> seconds(String text, long min, long max) {
        OptionalDouble seconds = decimal(text);
        if (seconds.isPresent() && seconds.getAsDouble() >= min && seconds.getAsDouble() <= max) {
            return Optional.of(Duration.ofMillis(Math.round(seconds.getAsDouble() * 1000)));
        }
        return Optional.empty();
    }

    /** True or false, in one of the spellings above; empty for anything else. */
    public static Optional<Boolean> bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> Optional.of(true);
            case "false", "no", "0", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
