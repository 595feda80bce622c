package callbridge.emulate;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** What {@code emulate} prints, line by line, with a wait for a line to appear (an event, not a sleep). */
final class PrintedLines extends OutputStream {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);

    @Override
    public void write(int b) {
        lock.lock();
        try {
            if (b == '\n') {
                lines.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
                added.signalAll();
            } else {
                partial.write(b);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The first line matching, waiting for it up to {@code timeout}. */
    String await(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (String line : lines) {
                    if (matching.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such line within " + timeout.toSeconds() + " s in:\n" + String.join("\n", lines));
                }
                added.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    List<String> all() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }
}
