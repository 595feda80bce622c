package callbridge.websocket;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waiting, with a deadline, on a socket channel that is non-blocking because a {@link ReadSelector} reads
 * it. A write or read is tried at once, which almost always succeeds (a frame fits the socket's send
 * buffer); only when it cannot go on does the calling thread wait for the channel on a {@link Selector} of
 * its own, opened for that wait. So a peer that stops reading holds up the thread writing to it, never
 * the selector threads, and costs a selector only while it does.
 */
final class ChannelWaits {
    private static final int DISCARD_BYTES = 4096;

    private ChannelWaits() {
    }

    /**
     * Writes all of {@code bytes} within {@code timeout}.
     *
     * @throws SocketTimeoutException when the peer did not take them in time (the caller drops the connection:
     *                                part of a frame may have gone out)
     */
    static void write(SocketChannel channel, ByteBuffer bytes, Duration timeout) throws IOException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        channel.write(bytes);
        if (!bytes.hasRemaining()) {
            return;
        }
        try (Selector waiter = Selector.open()) {
            channel.register(waiter, SelectionKey.OP_WRITE);
            while (bytes.hasRemaining()) {
                if (!await(waiter, deadlineNanos)) {
                    throw new SocketTimeoutException("peer did not take " + bytes.limit() + " bytes within "
                            + timeout.toMillis() + " ms; connection closed");
                }
                channel.write(bytes);
            }
        }
    }

    /**
     * The polite end of a connection we are failing, as {@link callbridge.http.Linger} does for blocking
     * sockets: half-close, then read and discard what the peer still sends until it closes too, the time is
     * up or the byte budget is spent. Closing with unread input makes TCP send a reset, which can destroy
     * our close frame before the peer reads it.
     */
    static void drain(SocketChannel channel, Duration within, long maxBytes) {
        long deadline = System.nanoTime() + within.toNanos();
        ByteBuffer discard = ByteBuffer.allocate(DISCARD_BYTES);
        try (Selector waiter = Selector.open()) {
            channel.shutdownOutput();
            channel.register(waiter, SelectionKey.OP_READ);
            long left = maxBytes;
            while (left > 0) {
                discard.clear().limit((int) Math.min(DISCARD_BYTES, left));
                int n = channel.read(discard);
                if (n < 0 || n == 0 && !await(waiter, deadline)) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // timed out, reset or closed: either way we are done with this connection
        }
    }

    /** Waits until the channel may be ready, or the deadline; false once it has passed. */
    private static boolean await(Selector waiter, long deadlineNanos) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        // select(0) would wait for ever: under a millisecond left waits one.
        waiter.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        waiter.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
            // An interrupted select returns at once, every time: give up rather than spin to the deadline.
            throw new InterruptedIOException("interrupted while waiting for the peer");
        }
        return true;
    }
}
