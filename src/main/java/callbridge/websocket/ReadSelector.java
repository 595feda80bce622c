package callbridge.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The read side of every server WebSocket: a few platform threads, one per core, each with a
 * {@link Selector} over the connections given to it. When a connection is readable its thread reads what
 * has arrived into one buffer it shares with all its connections, decodes the whole frames in it and
 * hands each message to the connection's listener, all without leaving the thread
 * ({@link WebSocketConnection#onReadable}).
 *
 * <p>Why not a virtual thread per connection, blocked in a read: a Twilio media stream is a ~400-byte
 * message every 20 ms per call, and per message that design cost about 2 {@code read} calls (one
 * answering EAGAIN), an {@code epoll_ctl} to re-arm the poller and 4 {@code futex} wake-ups (poller to
 * carrier thread), a third of the server's CPU spent switching threads: 25-29 µs per message at 300-400
 * calls, of which decoding, JSON, mu-law and the VAD are about 6. A bare reader of such messages measured
 * 14 µs per message that way, and 7 with one selector thread: here a message costs one {@code read} and a
 * share of one {@code epoll_wait}, on a thread that is already running.
 *
 * <p>The price is a rule for listeners: {@link WebSocketListener#onText} runs on one of these threads and
 * holds up every connection that shares it until it returns. Whatever may block (closing handshakes,
 * lingering drains, {@code onClose}) runs on the connection's own virtual thread, and pongs are written
 * from here only when they go out at once ({@link FrameSender#pong}).
 *
 * <p>These threads must never die quietly: every connection on one would stop being read while the process
 * looks healthy. A failure in one connection's handling, an {@link Error} included (an
 * {@link OutOfMemoryError} while one connection grows), drops that connection and the thread goes on; if a
 * thread ends anyway, {@link WebSocketThreads#readThreadsRunning} says so, and {@code /health} fails. They
 * end on purpose only when their owner stops them ({@link #stop}), once the server they read for is closed.
 */
final class ReadSelector {
    private static final System.Logger LOG = System.getLogger(ReadSelector.class.getName());
    /** Room for the largest frame of the default size limit; grown if a connection allows larger ones. */
    private static final int INITIAL_READ_BUFFER = FrameDecoder.MAX_HEADER_BYTES + WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES;

    private final Selector selector;
    private volatile Thread thread;
    /** Set by {@link #stop}; the thread then runs what is queued, drops what it still reads, and ends. */
    private volatile boolean stopping;
    /** Set by the thread as it ends: from then on whoever queues work runs it. */
    private volatile boolean stopped;
    /** Work for this thread from others: registrations and ends of connections, run between selections. */
    private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
    /** Only this thread uses it: the bytes of one connection at a time, from one read. */
    private ByteBuffer readBuffer = ByteBuffer.allocateDirect(INITIAL_READ_BUFFER);

    private ReadSelector(Selector selector) {
        this.selector = selector;
    }

    /** Work for this thread, and the connection to drop if it fails (null when it concerns none). */
    private record Task(Runnable work, WebSocketConnection connection) {
    }

    /** Runs {@code task} on this selector's thread, soon; from any thread. */
    void execute(Runnable task) {
        execute(task, null);
    }

    /**
     * Runs {@code task}, which acts on {@code connection}, on this selector's thread, soon; from any thread.
     * Once the thread has stopped, the caller runs it, so that nobody waits for it forever (the end of a
     * connection that a late close drops, say).
     */
    void execute(Runnable task, WebSocketConnection connection) {
        tasks.add(new Task(task, connection));
        selector.wakeup();
        if (stopped) {
            runQueued();
        }
    }

    /** On this selector's thread only: watches {@code channel} (non-blocking) for reads on behalf of {@code connection}. */
    SelectionKey register(SocketChannel channel, WebSocketConnection connection) throws ClosedChannelException {
        return channel.register(selector, SelectionKey.OP_READ, connection);
    }

    /** On this selector's thread only: its read buffer, cleared, with room for at least {@code capacity} bytes. */
    ByteBuffer readBuffer(int capacity) {
        if (readBuffer.capacity() < capacity) {
            readBuffer = ByteBuffer.allocateDirect(capacity);
        }
        return readBuffer.clear();
    }

    /** Starts {@code count} selector threads. */
    static ReadSelector[] startThreads(int count) {
        ReadSelector[] selectors = new ReadSelector[count];
        for (int i = 0; i < count; i++) {
            try {
                selectors[i] = new ReadSelector(Selector.open());
            } catch (IOException e) {
                for (int started = 0; started < i; started++) {
                    selectors[started].stop();
                }
                throw new UncheckedIOException("could not open a selector for WebSocket reads", e);
            }
            selectors[i].thread = Thread.ofPlatform().name("websocket-reads-" + i).daemon(true).start(selectors[i]::run);
        }
        return selectors;
    }

    /** True while this selector's thread runs. */
    boolean isRunning() {
        return thread.isAlive();
    }

    /**
     * Ends this selector's thread, soon: what is queued for it is run, and a connection it still reads is
     * dropped, so no connection is left waiting for a read side that is gone.
     */
    void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** Waits up to {@code patience} for the thread to end. */
    void awaitStopped(Duration patience) throws InterruptedException {
        thread.join(patience);
    }

    private void run() {
        try {
            while (!stopping) {
                selector.select(this::readable);
                runQueued();
            }
        } catch (IOException | RuntimeException | Error e) {
            // Only a broken epoll descriptor (or worse) does this; spinning on it would help nobody either.
            LOG.log(Level.ERROR, "WebSocket selector thread " + Thread.currentThread().getName()
                    + " failed; its connections are no longer read, and /health now fails", e);
            return;
        }
        stopped = true;
        runQueued();
        for (SelectionKey key : selector.keys()) {
            WebSocketConnection connection = (WebSocketConnection) key.attachment();
            runSafely(connection::readerStopped, connection);
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a WebSocket selector failed: {0}", e.toString());
        }
    }

    private void runQueued() {
        Task task;
        while ((task = tasks.poll()) != null) {
            runSafely(task.work(), task.connection());
        }
    }

    private void readable(SelectionKey key) {
        WebSocketConnection connection = (WebSocketConnection) key.attachment();
        runSafely(() -> connection.onReadable(this), connection);
    }

    /**
     * A failure in one connection's handling must not stop the thread that every other one relies on: it
     * is logged, and the connection it came from (when known) is dropped.
     */
    private static void runSafely(Runnable work, WebSocketConnection connection) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "WebSocket read handling failed" + (connection == null ? "" : " on " + connection
                    + "; dropping it"), e);
            if (connection != null) {
                connection.abort();
            }
        }
    }
}
