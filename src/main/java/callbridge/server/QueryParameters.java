package callbridge.server;

import callbridge.config.PlainValues;
import callbridge.http.FormData;
import callbridge.logging.LogText;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reading a request's query parameters, each with an error that names it, for a 400. Numbers and
 * yes-or-no are spelled as everywhere else in callbridge ({@link PlainValues}): {@code timeout=120.0} is
 * read, {@code timeout=1e2} is not.
 */
final class QueryParameters {
    private QueryParameters() {
    }

    /** A parameter with a value we cannot use; the message names it. */
    static final class BadParameter extends Exception {
        BadParameter(String message) {
            super(message);
        }

        /** {@code name must be <expectation>, got "<value>"}: the client's value quoted, cut and escaped once, here. */
        static BadParameter invalid(String name, String expectation, String value) {
            return new BadParameter(name + " must be " + expectation + ", got " + LogText.quote(value));
        }
    }

    /** The decoded query of {@code rawQuery}, which may be null (no query at all). */
    static Map<String, String> decode(String rawQuery) throws BadParameter {
        try {
            return rawQuery == null ? Map.of() : FormData.parse(rawQuery);
        } catch (IllegalArgumentException e) {
            throw new BadParameter("the query is not URL-encoded: " + e.getMessage());
        }
    }

    /** Seconds, fractions allowed ({@code timeout=2.5}), from {@code min} to {@code max}; empty when not given. */
    static Optional<Duration> seconds(Map<String, String> query, String name, int min, int max) throws BadParameter {
        String value = query.get(name);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(PlainValues.seconds(value, min, max).orElseThrow(() ->
                BadParameter.invalid(name, "a number of seconds from " + min + " to " + max, value)));
    }

    /** True or false; false when not given or given empty ({@code first=}). */
    static boolean bool(Map<String, String> query, String name) throws BadParameter {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            return false;
        }
        return PlainValues.bool(value).orElseThrow(() -> BadParameter.invalid(name, "true or false", value));
    }
}
