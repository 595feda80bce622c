package callbridge.websocket;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every server WebSocket of a process shares: the selector threads that read their frames, one
 * per core ({@link ReadSelector}, which says why), and the sweeper that closes idle ones
 * ({@link IdleSweeper}). Whoever owns the server makes them, hands them to each connection
 * ({@link WebSocketConnection}), and stops them once the server is closed.
 */
public final class WebSocketThreads implements AutoCloseable {
    /** How long {@link #close} waits for its threads to end, all of them together. */
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(2);

    private final ReadSelector[] readers;
    private final IdleSweeper sweeper;
    private final AtomicInteger nextReader = new AtomicInteger();

    private WebSocketThreads(ReadSelector[] readers, IdleSweeper sweeper) {
        this.readers = readers;
        this.sweeper = sweeper;
    }

    /** One read thread per core, and the sweeper. */
    public static WebSocketThreads start() {
        return new WebSocketThreads(ReadSelector.startThreads(Runtime.getRuntime().availableProcessors()), new IdleSweeper());
    }

    /**
     * True while every thread that reads WebSocket frames is running. False means some connections are no
     * longer read (a thread died), which a health check should report rather than hide.
     */
    public boolean readThreadsRunning() {
        for (ReadSelector reader : readers) {
            if (!reader.isRunning()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The selector thread for a new connection: taken in turn, so connections spread evenly, passing over a
     * thread that has died (its connections would never be read, nor their ends run). With none left
     * running, the next in turn: {@link #readThreadsRunning} reports that state.
     */
    ReadSelector nextReader() {
        for (int tried = 0; tried < readers.length; tried++) {
            ReadSelector reader = readers[Math.floorMod(nextReader.getAndIncrement(), readers.length)];
            if (reader.isRunning()) {
                return reader;
            }
        }
        return readers[Math.floorMod(nextReader.getAndIncrement(), readers.length)];
    }

    IdleSweeper sweeper() {
        return sweeper;
    }

    /**
     * Stops every thread: a connection still read is dropped. For once the server whose connections these
     * are has closed; idempotent.
     */
    @Override
    public void close() {
        sweeper.stop();
        for (ReadSelector reader : readers) {
            reader.stop();
        }
        // One patience for them all, not one each: a host with many cores must not wait many times over.
        long deadline = System.nanoTime() + STOP_PATIENCE.toNanos();
        try {
            sweeper.awaitStopped(untilDeadline(deadline));
            for (ReadSelector reader : readers) {
                reader.awaitStopped(untilDeadline(deadline));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What is left of the patience; none once it is spent ({@code Thread.join(Duration)} then does not wait). */
    private static Duration untilDeadline(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
