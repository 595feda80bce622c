package callbridge.speech;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A response body that must keep flowing. {@code HttpRequest.timeout} only bounds the wait for the
 * response headers; a server that sends headers and then stalls would block a read forever, holding the
 * call's transcription thread or a {@code /generate}. A watcher closes the body once nothing has arrived for
 * {@code limit}, which makes the blocked read fail and cancels the HTTP exchange.
 */
final class StallGuard extends FilterInputStream {
    private static final Duration CHECK_EVERY = Duration.ofMillis(100);

    private final Duration limit;
    private final Thread watcher;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean closed;

    StallGuard(InputStream body, Duration limit, String what) {
        super(body);
        this.limit = limit;
        this.watcher = Thread.ofVirtual().name("stall guard " + what).start(this::watch);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            int n = super.read(buffer, offset, length);
            lastProgressNanos = System.nanoTime();
            return n;
        } catch (IOException e) {
            if (stalled) {
                // A read that timed out, as a socket's would say: callers count it as a timeout, not a broken connection.
                SocketTimeoutException timedOut = new SocketTimeoutException("no data for " + limit.toMillis() + " ms");
                timedOut.initCause(e);
                throw timedOut;
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        watcher.interrupt();
        super.close();
    }

    private void watch() {
        try {
            while (!closed) {
                Thread.sleep(CHECK_EVERY);
                if (System.nanoTime() - lastProgressNanos > limit.toNanos()) {
                    stalled = true;
                    in.close();
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            // closed by the reader, or the close failed: nothing left to guard
        }
    }
}
