package callbridge.logging;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LogText#quote}: what a client sends, and what the log line shows. */
class LogTextTest {
    static Stream<Arguments> quoted() {
        return Stream.of(
                Arguments.of("plain", "in-progress", "\"in-progress\""),
                Arguments.of("phone number", "+34600111222", "\"+34600111222\""),
                Arguments.of("empty", "", "\"\""),
                Arguments.of("null", null, "null"),
                Arguments.of("forged line, CR LF", "ringing\r\n2026-01-01 INFO callbridge: forged",
                        "\"ringing\\r\\n2026-01-01 INFO callbridge: forged\""),
                Arguments.of("bare LF", "a\nb", "\"a\\nb\""),
                Arguments.of("bare CR", "a\rb", "\"a\\rb\""),
                Arguments.of("tab", "a\tb", "\"a\\tb\""),
                Arguments.of("NUL", "a\0b", "\"a\\u0000b\""),
                Arguments.of("ESC (terminal control)", "\u001B[31mred", "\"\\u001B[31mred\""),
                Arguments.of("DEL", "a\u007Fb", "\"a\\u007Fb\""),
                Arguments.of("C1 NEL", "a\u0085b", "\"a\\u0085b\""),
                Arguments.of("line separator", "a\u2028b", "\"a\\u2028b\""),
                Arguments.of("paragraph separator", "a\u2029b", "\"a\\u2029b\""),
                Arguments.of("quote, so the value cannot end early", "a\" forged=\"1", "\"a\\\" forged=\\\"1\""),
                Arguments.of("backslash, so escapes stay unambiguous", "a\\nb", "\"a\\\\nb\""),
                Arguments.of("non-ASCII letters stay readable", "Señora Müller", "\"Señora Müller\""),
                Arguments.of("emoji stays whole", "\uD83D\uDE00", "\"\uD83D\uDE00\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void quoted(String name, String value, String expected) {
        assertEquals(expected, LogText.quote(value));
    }

    @Test
    void quote_atTheLimit_keptWhole() {
        String value = "x".repeat(LogText.MAX_CHARS);
        assertEquals("\"" + value + "\"", LogText.quote(value));
    }

    @Test
    void quote_pastTheLimit_cutAndCounted() {
        String value = "x".repeat(LogText.MAX_CHARS + 65_000);
        assertEquals("\"" + "x".repeat(LogText.MAX_CHARS) + "\"...(+65000 chars)", LogText.quote(value));
    }

    @Test
    void quote_cutNeverSplitsASurrogatePair() {
        String value = "x".repeat(LogText.MAX_CHARS - 1) + "\uD83D\uDE00" + "tail";
        String quoted = LogText.quote(value);
        assertTrue(quoted.startsWith("\"" + "x".repeat(LogText.MAX_CHARS - 1) + "\"..."), quoted);
        assertTrue(quoted.endsWith("(+6 chars)"), quoted);
    }

    @Test
    void quote_neverHoldsALineBreak_whateverTheInput() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            every.append(c);
        }
        for (int start = 0; start < every.length(); start += LogText.MAX_CHARS) {
            String quoted = LogText.quote(every.substring(start, Math.min(every.length(), start + LogText.MAX_CHARS)));
            assertFalse(quoted.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029
                    || c < 0x20), quoted);
        }
    }
}
