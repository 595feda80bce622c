package callbridge.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for a blocking socket write. Java sockets have no send timeout: a peer that stops reading
 * fills its receive window and our send buffer, and the write then blocks for as long as the peer keeps
 * the connection up. A write made here that is still blocked when its time is up has its socket closed,
 * which makes the write fail at once and frees the thread (and any lock it holds). One timer thread,
 * shared by every connection, keeps the deadlines; a write that finishes in time cancels its own.
 */
public final class WriteDeadline {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private WriteDeadline() {
    }

    /**
     * Writes and flushes {@code bytes} to {@code out}, the output of {@code socket}, within {@code timeout}.
     *
     * @throws SocketTimeoutException when the time ran out (the socket is then closed)
     */
    public static void write(Socket socket, OutputStream out, byte[] bytes, int offset, int length, Duration timeout)
            throws IOException {
        ScheduledFuture<?> expiry = TIMER.schedule(() -> closeQuietly(socket), timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            out.write(bytes, offset, length);
            out.flush();
        } catch (IOException e) {
            if (expiry.isDone() && !expiry.isCancelled()) {
                throw new SocketTimeoutException("peer did not take " + length + " bytes within "
                        + timeout.toMillis() + " ms; connection closed");
            }
            throw e;
        } finally {
            expiry.cancel(false);
        }
    }

    public static void write(Socket socket, OutputStream out, byte[] bytes, Duration timeout) throws IOException {
        write(socket, out, bytes, 0, bytes.length, timeout);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all we wanted; the blocked writer reports the failure
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("write-deadlines").daemon(true).factory());
        // Almost every deadline is cancelled: remove them at once rather than at their due time, or the
        // queue would hold every write of the last timeout period.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
