package callbridge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.TreeSet;

/**
 * Raw settings by name with typed, validated reads. Each read names the variable in its error, so a bad
 * value is fixed at once. Empty values count as unset (a {@code .env} line {@code NAME=} means "default").
 */
final class Settings {
    private final Map<String, String> values;
    /** Every name asked for, so the names callbridge reads are known without a second list to keep up. */
    private final Set<String> namesRead = new TreeSet<>();

    Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    Optional<String> optional(String name) {
        namesRead.add(name);
        return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * True when {@code name} is set to nothing ({@code NAME=}): for the few settings where that means "off"
     * rather than "the default".
     */
    boolean setEmpty(String name) {
        return optional(name).isEmpty() && values.containsKey(name);
    }

    Set<String> namesRead() {
        return Collections.unmodifiableSet(namesRead);
    }

    String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    /** A value that must match {@code pattern} whole, {@code described} in the error when it does not. */
    Optional<String> matching(String name, Pattern pattern, String described) {
        Optional<String> raw = optional(name);
        if (raw.isPresent() && !pattern.matcher(raw.get()).matches()) {
            throw new ConfigException(name + " must be " + described + ", got '" + raw.get() + "'");
        }
        return raw;
    }

    Optional<Secret> secret(String name) {
        return optional(name).map(Secret::new);
    }

    /** A secret that must be at least {@code minLength} characters, so it cannot be guessed. */
    Optional<Secret> secret(String name, int minLength) {
        Optional<Secret> secret = secret(name);
        if (secret.isPresent() && secret.get().value().length() < minLength) {
            throw new ConfigException(name + " must be at least " + minLength
                    + " characters (for example the output of: openssl rand -hex 32)");
        }
        return secret;
    }

    int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the allowed range
        }
        throw new ConfigException(name + " must be a whole number from " + min + " to " + max
                + ", got '" + raw.get() + "'");
    }

    /** A plain decimal ({@code 0.5}, {@code 1}, {@code .75}) from min to max: see {@link PlainValues}. */
    double decimal(String name, double defaultValue, double min, double max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        OptionalDouble value = PlainValues.decimal(raw.get());
        if (value.isPresent() && value.getAsDouble() >= min && value.getAsDouble() <= max) {
            return value.getAsDouble();
        }
        throw new ConfigException(name + " must be a number from " + min + " to " + max + ", got '" + raw.get() + "'");
    }

    /** One of the names in {@code choices}, in any case; the map's order is the order the error lists them in. */
    <T> T oneOf(String name, T defaultValue, Map<String, T> choices) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        T value = choices.get(raw.get().toUpperCase(Locale.ROOT));
        if (value == null) {
            throw new ConfigException(name + " must be one of " + String.join(", ", choices.keySet())
                    + ", got '" + raw.get() + "'");
        }
        return value;
    }

    Duration seconds(String name, int defaultSeconds, int minSeconds, int maxSeconds) {
        return Duration.ofSeconds(integer(name, defaultSeconds, minSeconds, maxSeconds));
    }

    /** True or false, spelled as {@link PlainValues#bool} reads them. */
    boolean bool(String name, boolean defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return PlainValues.bool(raw.get()).orElseThrow(() -> new ConfigException(name + " must be true or false, got '"
                + raw.get().toLowerCase(Locale.ROOT) + "'"));
    }

    /** An absolute URL with one of the given schemes and a host; a trailing slash is dropped. */
    Optional<URI> url(String name, Set<String> schemes) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String text = raw.get().endsWith("/") ? raw.get().substring(0, raw.get().length() - 1) : raw.get();
        try {
            URI uri = new URI(text);
            if (uri.getScheme() != null && schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(name + " must be an absolute " + String.join(" or ", schemes.stream().sorted().toList())
                + " URL with a host and no query, got '" + raw.get() + "'");
    }
}
