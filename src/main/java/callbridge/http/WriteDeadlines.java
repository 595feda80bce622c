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
 * Deadlines for blocking socket writes. Java sockets have no send timeout: a peer that stops reading
 * fills its receive window and our send buffer, and the write then blocks for as long as the peer keeps
 * the connection up. A write made here that is still blocked when its time is up has its socket closed,
 * which makes the write fail at once and frees the thread (and any lock it holds). One timer thread,
 * shared by every connection of a server, keeps the deadlines; a write that finishes in time cancels its
 * own. Whoever owns the server makes the timer and stops it once the server is closed.
 */
public final class WriteDeadlines implements AutoCloseable {
    private final ScheduledThreadPoolExecutor timer;

    private WriteDeadlines(ScheduledThreadPoolExecutor timer) {
        this.timer = timer;
    }

    /** Starts the timer thread. */
    public static WriteDeadlines start() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("write-deadlines").daemon(true).factory());
        // Almost every deadline is cancelled: remove them at once rather than at their due time, or the
        // queue would hold every write of the last timeout period.
        timer.setRemoveOnCancelPolicy(true);
        return new WriteDeadlines(timer);
    }

    /**
     * Writes and flushes {@code bytes} to {@code out}, the output of {@code socket}, within {@code timeout}.
     *
     * @throws SocketTimeoutException when the time ran out (the socket is then closed)
     */
    public void write(Socket socket, OutputStream out, byte[] bytes, int offset, int length, Duration timeout)
            throws IOException {
        ScheduledFuture<?> expiry = timer.schedule(() -> closeQuietly(socket), timeout.toNanos(), TimeUnit.NANOSECONDS);
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

    /**
     * Stops the timer, dropping the deadlines still pending: for once the server whose writes these are has
     * closed, and with them every socket they guard. Idempotent.
     */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all we wanted; the blocked writer reports the failure
        }
    }
}
