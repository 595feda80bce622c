package callbridge.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One line per interval, then a count of what was left out; time moves only when the test moves it. */
class RateLimitedLogTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger julLogger = Logger.getLogger(RateLimitedLogTest.class.getName() + ".test");
    private final Recorder recorder = new Recorder();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final RateLimitedLog log = RateLimitedLog.of(System.getLogger(julLogger.getName()), Level.WARNING,
            INTERVAL, () -> now);

    {
        julLogger.setUseParentHandlers(false);
        julLogger.addHandler(recorder);
    }

    @AfterEach
    void detach() {
        julLogger.removeHandler(recorder);
    }

    @Test
    void first_isWritten() {
        log.log("refused {0}", "a");
        assertEquals(List.of("refused a"), recorder.lines);
    }

    @Test
    void within_theInterval_areCounted_andTheNextLineSaysHowMany() {
        log.log("refused {0}", "a");
        for (int i = 0; i < 1_000; i++) {
            now = now.plusMillis(9);
            log.log("refused {0}", "b" + i);
        }
        assertEquals(1, recorder.lines.size());
        now = now.plus(INTERVAL);
        log.log("refused {0}", "c");
        assertEquals(List.of("refused a", "refused c (and 1000 more like it since the last one logged)"), recorder.lines);
    }

    @Test
    void afterAQuietInterval_theNextLineIsPlain() {
        log.log("refused");
        now = now.plus(INTERVAL);
        log.log("refused");
        now = now.plus(INTERVAL.multipliedBy(3));
        log.log("refused");
        assertEquals(List.of("refused", "refused", "refused"), recorder.lines);
    }

    @Test
    void justBeforeTheIntervalEnds_isCounted_atItsEnd_isWritten() {
        log.log("x");
        now = now.plus(INTERVAL).minusNanos(1);
        log.log("x");
        now = now.plusNanos(1);
        log.log("x");
        assertEquals(List.of("x", "x (and 1 more like it since the last one logged)"), recorder.lines);
    }

    @Test
    void levelOff_countsNothing() {
        julLogger.setLevel(java.util.logging.Level.SEVERE);
        log.log("x");
        julLogger.setLevel(null);
        log.log("y");
        assertEquals(List.of("y"), recorder.lines);
    }

    private static final class Recorder extends Handler {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            lines.add(formatter.formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
