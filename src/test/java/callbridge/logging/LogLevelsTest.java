package callbridge.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.System.Logger.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code LOG_LEVEL} reaching the loggers the server writes through ({@code System.Logger} over java.util.logging). */
class LogLevelsTest {
    @ParameterizedTest(name = "{0} is written at {1}")
    @CsvSource({"ALL, ALL", "TRACE, FINER", "DEBUG, FINE", "INFO, INFO", "WARNING, WARNING", "ERROR, SEVERE", "OFF, OFF"})
    void toJul_asTheJdkMapsSystemLoggerLevels(Level level, String julLevel) {
        assertEquals(java.util.logging.Level.parse(julLevel), LogLevels.toJul(level));
    }

    @Test
    void apply_setsCallbridgesLoggers_andQuietsOthersOnlyWhenMoreSevere() {
        Logger ours = Logger.getLogger(LogLevels.CALLBRIDGE);
        Logger root = Logger.getLogger("");
        java.util.logging.Level oursBefore = ours.getLevel();
        java.util.logging.Level rootBefore = root.getLevel();
        System.Logger server = System.getLogger("callbridge.server.FrontDoor");
        System.Logger library = System.getLogger("org.example.SomeLibrary");
        try {
            LogLevels.apply(Level.DEBUG);
            assertTrue(server.isLoggable(Level.DEBUG));
            assertFalse(server.isLoggable(Level.TRACE));
            assertFalse(library.isLoggable(Level.DEBUG), "DEBUG is for callbridge's own lines, not every library's");

            LogLevels.apply(Level.WARNING);
            assertFalse(server.isLoggable(Level.INFO));
            assertTrue(server.isLoggable(Level.WARNING));
            assertFalse(library.isLoggable(Level.INFO), "a quieter level quiets everything");
        } finally {
            // Other tests in this JVM log at the suite's levels.
            ours.setLevel(oursBefore);
            root.setLevel(rootBefore);
        }
    }
}
