package callbridge.talk;

import callbridge.config.PlainValues;
import callbridge.config.UsageException;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** The raw values of {@code talk}'s flags, read as types; each error names the flag and its setting. */
record FlagValues(Map<TalkFlag, String> raw) {
    /** E.164: a plus, then up to 15 digits, the first not 0 (ITU-T E.164, section 6). */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    Optional<String> optional(TalkFlag flag) {
        return Optional.ofNullable(raw.get(flag));
    }

    String required(TalkFlag flag) throws UsageException {
        return optional(flag).orElseThrow(() -> new UsageException(flag.describe() + " is required"));
    }

    String phoneNumber(TalkFlag flag) throws UsageException {
        String number = required(flag).replaceAll("[\\s()-]", "");
        if (!E164.matcher(number).matches()) {
            throw new UsageException(flag.describe() + " must be a phone number in E.164 form, a + and up to 15 digits"
                    + " (+34910000000), got '" + raw.get(flag) + "'");
        }
        return number;
    }

    boolean bool(TalkFlag flag) throws UsageException {
        String value = optional(flag).orElse("false");
        return PlainValues.bool(value).orElseThrow(() -> new UsageException(flag.describe() + " must be true or false, got '"
                + value.toLowerCase(Locale.ROOT) + "'"));
    }

    int integer(TalkFlag flag, int defaultValue, int min, int max) throws UsageException {
        Optional<String> value = optional(flag);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.get().strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new UsageException(flag.describe() + " must be a whole number from " + min + " to " + max
                + ", got '" + value.get() + "'");
    }

    /** Seconds, a fraction allowed ({@code 120.0}, {@code 2.5}), from {@code min} to {@code max}. */
    Duration seconds(TalkFlag flag, Duration defaultValue, int min, int max) throws UsageException {
        Optional<String> value = optional(flag).map(String::strip);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return PlainValues.seconds(value.get(), min, max).orElseThrow(() -> new UsageException(flag.describe()
                + " must be a number of seconds from " + min + " to " + max + ", got '" + value.get() + "'"));
    }

    /** {@code MIN-MAX} milliseconds ({@code 300-700}), one value ({@code 500}), or {@code 0}, at most {@code max}. */
    MillisRange millisRange(TalkFlag flag, MillisRange defaultValue, long max) throws UsageException {
        Optional<String> value = optional(flag);
        if (value.isEmpty()) {
            return defaultValue;
        }
        Optional<MillisRange> range = MillisRange.parse(value.get());
        if (range.isPresent() && range.get().max() <= max) {
            return range.get();
        }
        throw new UsageException(flag.describe() + " must be milliseconds MIN-MAX (300-700), one value, or 0, each at most "
                + max + ", got '" + value.get() + "'");
    }

    /** A probability, from 0 to 1 ({@code 0.25}). */
    double probability(TalkFlag flag) throws UsageException {
        Optional<String> value = optional(flag);
        if (value.isEmpty()) {
            return 0;
        }
        OptionalDouble p = PlainValues.decimal(value.get());
        if (p.isPresent() && p.getAsDouble() >= 0 && p.getAsDouble() <= 1) {
            return p.getAsDouble();
        }
        throw new UsageException(flag.describe() + " must be a probability from 0 to 1 (0.25), got '" + value.get() + "'");
    }

    /** Any whole number, as a seed. */
    OptionalLong seed(TalkFlag flag) throws UsageException {
        Optional<String> value = optional(flag);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().strip()));
        } catch (NumberFormatException e) {
            throw new UsageException(flag.describe() + " must be a whole number, got '" + value.get() + "'");
        }
    }

    Optional<URI> url(TalkFlag flag) throws UsageException {
        Optional<String> value = optional(flag);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Optional<URI> url = HttpUrl.parse(value.get());
        if (url.isPresent()) {
            return url;
        }
        throw new UsageException(flag.describe() + " must be an http:// or https:// URL with a host, got '" + value.get() + "'");
    }

    /** A comma-separated list of positions from 0 ({@code 6,7,8}, or {@code [6, 7, 8]}). */
    List<Integer> positions(TalkFlag flag) throws UsageException {
        Optional<String> value = optional(flag);
        if (value.isEmpty()) {
            return List.of();
        }
        List<Integer> positions = new ArrayList<>();
        for (String part : value.get().replaceAll("[\\[\\]\\s]", "").split(",", -1)) {
            try {
                int position = Integer.parseInt(part);
                if (position >= 0 && !positions.contains(position)) {
                    positions.add(position);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(flag.describe() + " must list distinct positions from 0, such as 6,7,8; got '"
                    + value.get() + "'");
        }
        return positions;
    }
}
