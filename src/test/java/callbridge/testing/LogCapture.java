package callbridge.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every record some loggers write, DEBUG (FINE) included, for tests of what the server logs; closing it puts
 * the loggers back as they were. A test waits for a record instead of for time.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>(); // held here: java.util.logging keeps loggers only weakly
    private final List<Level> previousLevels = new ArrayList<>();
    private final List<LogRecord> records = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();

    private LogCapture() {
    }

    /** Captures the loggers named after these classes, as {@code System.getLogger(X.class.getName())} names them. */
    public static LogCapture of(Class<?>... sources) {
        LogCapture capture = new LogCapture();
        capture.setLevel(Level.ALL);
        for (Class<?> source : sources) {
            Logger logger = Logger.getLogger(source.getName());
            capture.loggers.add(logger);
            capture.previousLevels.add(logger.getLevel());
            logger.setLevel(Level.ALL);
            logger.addHandler(capture);
        }
        return capture;
    }

    public List<LogRecord> records() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    /** The first record matching {@code condition}, waiting up to {@code timeout} for it. */
    public LogRecord await(Predicate<LogRecord> condition, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (LogRecord record : records) {
                    if (condition.test(record)) {
                        return record;
                    }
                }
                if (nanos <= 0) {
                    throw new AssertionError("no such log record within " + timeout.toMillis() + " ms; got " + messages(records));
                }
                nanos = added.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The records' levels and messages, for assertion messages. */
    public static List<String> messages(List<LogRecord> records) {
        return records.stream().map(r -> r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " + " + r.getThrown())).toList();
    }

    @Override
    public void publish(LogRecord record) {
        lock.lock();
        try {
            records.add(record);
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(this);
            loggers.get(i).setLevel(previousLevels.get(i));
        }
    }
}
