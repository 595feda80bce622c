package callbridge.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one set of spellings for numbers and yes-or-no, which settings, query parameters and flags share. */
class PlainValuesTest {
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
            "30,      30",
            "120.0,   120",
            "2.5,     2.5",
            ".75,     0.75",
            "7.,      7",
            "+2,      2",
            "-1,      -1",
            "' 0.5 ', 0.5",
    })
    void decimal_plainDecimals_areRead(String text, double expected) {
        assertEquals(OptionalDouble.of(expected), PlainValues.decimal(text));
    }

    /** Double.parseDouble takes every one of these; a person writing a number means none of them. */
    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"1e1", "1E1", "1e0", "0x1p0", "0x10", "1d", "1f", "NaN", "Infinity", "-Infinity", "", " ", ".",
            "1,5", "1.2.3", "--1", "ten", "1_000"})
    void decimal_anythingElse_isNotANumber(String text) {
        assertEquals(OptionalDouble.empty(), PlainValues.decimal(text));
    }

    @ParameterizedTest(name = "''{0}'' in [0, 600] -> {1} ms")
    @CsvSource({
            "0,       0",
            "30,      30000",
            "120.0,   120000",
            "2.5,     2500",
            "0.0004,  0",
            "0.0005,  1",
            "600,     600000",
    })
    void seconds_withinBounds_toTheMillisecond(String text, long millis) {
        assertEquals(Optional.of(Duration.ofMillis(millis)), PlainValues.seconds(text, 0, 600));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"-1", "600.001", "601", "1e1", "0x1p3", "NaN", "Infinity", "soon"})
    void seconds_outOfBoundsOrNotPlain_isEmpty(String text) {
        assertEquals(Optional.empty(), PlainValues.seconds(text, 0, 600));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
            "true, true", "True, true", "TRUE, true", "yes, true", "1, true", "on, true", "' On ', true",
            "false, false", "False, false", "no, false", "0, false", "off, false", "OFF, false",
    })
    void bool_everySpelling(String text, boolean expected) {
        assertEquals(Optional.of(expected), PlainValues.bool(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"maybe", "", "2", "y", "n", "t", "f", "truee", "0.0"})
    void bool_anythingElse_isEmpty(String text) {
        assertEquals(Optional.empty(), PlainValues.bool(text));
    }
}
