package callbridge.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A socket's input with a deadline for everything read through it, not for each read: a socket timeout
 * alone restarts with every byte, so a peer sending one byte just inside it could hold the connection for
 * ever. Before each read the socket timeout is set to the time left; past the deadline a read fails with
 * {@link SocketTimeoutException}. Bytes already buffered in {@code in} are handed out without waiting.
 */
public final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private final String what;
    private long deadlineNanos;
    private boolean limited;

    /**
     * @param in   the socket's input (usually buffered)
     * @param what names what must arrive in time, for the exception's message ("request", "message")
     */
    public DeadlineInputStream(Socket socket, InputStream in, String what) {
        super(in);
        this.socket = socket;
        this.what = what;
    }

    /** Everything read from now on must arrive within {@code timeout}. */
    public void deadlineIn(Duration timeout) {
        deadlineAt(System.nanoTime() + timeout.toNanos());
    }

    /** Everything read from now on must arrive by {@code nanos}, on the {@link System#nanoTime()} scale. */
    public void deadlineAt(long nanos) {
        deadlineNanos = nanos;
        limited = true;
    }

    @Override
    public int read() throws IOException {
        armTimeout();
        return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        armTimeout();
        return super.read(b, off, len);
    }

    private void armTimeout() throws IOException {
        if (!limited) {
            socket.setSoTimeout(0);
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        // A socket timeout of 0 means "no limit": anything under a millisecond left counts as none left.
        long millis = left / 1_000_000;
        if (millis <= 0) {
            throw new SocketTimeoutException(what + " not complete in time");
        }
        socket.setSoTimeout((int) Math.min(millis, Integer.MAX_VALUE));
    }
}
