package callbridge.logging;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies {@code LOG_LEVEL}. {@link System.Logger} writes through {@code java.util.logging} here (the
 * JDK's own backend; the Twilio SDK's SLF4J is bridged to it too), set up from {@code logging.properties}:
 * everything at INFO, the handler passing whatever reaches it. The level goes on the {@code callbridge}
 * logger, parent of every logger the server names after its classes. Libraries and the JDK are made
 * quieter when the level is more severe than INFO, but never louder: DEBUG shows callbridge's own detail,
 * not the JDK HTTP server's.
 */
public final class LogLevels {
    /** The parent of {@code callbridge.server.FrontDoor} and the rest, as {@code java.util.logging} names go. */
    static final String CALLBRIDGE = "callbridge";
    /**
     * Held here: {@code java.util.logging} keeps loggers only weakly, and a logger that is collected
     * forgets the level set on it.
     */
    private static final Logger OURS = Logger.getLogger(CALLBRIDGE);
    private static final Logger ROOT = Logger.getLogger("");

    private LogLevels() {
    }

    /** From now on callbridge logs {@code level} and more severe; everything else at least that severe too. */
    public static void apply(System.Logger.Level level) {
        Level mapped = toJul(level);
        OURS.setLevel(mapped);
        if (mapped.intValue() > Level.INFO.intValue()) {
            ROOT.setLevel(mapped);
        }
    }

    /** The {@code java.util.logging} level a {@link System.Logger.Level} is written at, as the JDK maps them. */
    static Level toJul(System.Logger.Level level) {
        return switch (level) {
            case ALL -> Level.ALL;
            case TRACE -> Level.FINER;
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARNING -> Level.WARNING;
            case ERROR -> Level.SEVERE;
            case OFF -> Level.OFF;
        };
    }
}
