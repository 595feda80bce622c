package callbridge.time;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {
    /** RFC 9110 5.6.7's own example date, and a moment 2 minutes before it. */
    private static final Instant NOW = Instant.parse("1994-11-06T08:47:37Z");

    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1} ms")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            120                             | 120000
            0                               | 0
            ' 7 '                           | 7000
            1.5                             | 1500
            Sun, 06 Nov 1994 08:49:37 GMT   | 120000
            Sun, 06 Nov 1994 08:47:30 GMT   | 0
            -1                              | none
            soon                            | none
            ''                              | none
            Sunday, 06-Nov-94 08:49:37 GMT  | none
            """)
    void parse_secondsOrHttpDate(String header, Long millis) {
        assertEquals(Optional.ofNullable(millis).map(Duration::ofMillis), RetryAfter.parse(Optional.of(header), NOW));
    }
}
