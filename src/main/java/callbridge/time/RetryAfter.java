package callbridge.time;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code Retry-After} header (RFC 9110 section 10.2.3): how long a service asks its client to wait
 * before trying again, as a number of seconds or as an HTTP-date. Anything else is no request at all.
 */
public final class RetryAfter {
    /** RFC 9110 10.2.3: {@code delay-seconds = 1*DIGIT}; a fraction is tolerated, as openai-python reads it. */
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");

    private RetryAfter() {
    }

    /**
     * The wait {@code value} asks for, measured from {@code now}; a date already past asks for no wait.
     * Empty when the header is absent or is neither seconds nor an HTTP-date.
     */
    public static Optional<Duration> parse(Optional<String> value, Instant now) {
        return value.map(String::strip).flatMap(text -> SECONDS.matcher(text).matches() ? Optional.of(seconds(text)) : date(text, now));
    }

    private static Duration seconds(String text) {
        return Duration.ofNanos(new BigDecimal(text).movePointRight(9).longValueExact());
    }

    /**
     * RFC 9110 5.6.7: senders write the IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}, which RFC 1123's
     * format reads. The two obsolete forms are not read (no service callbridge calls sends them): such a
     * header is no request, and the back-off applies.
     */
    private static Optional<Duration> date(String text, Instant now) {
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
