package callbridge.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads one request head from a connection, within a size limit and a deadline. The stream is read one
 * byte at a time (it is buffered) so that nothing past the head is consumed: the body, or the first
 * WebSocket frame, stays in the stream for whoever handles the request.
 */
public final class RequestHeadReader {
    /** Larger heads are answered with 431 Request Header Fields Too Large (RFC 6585 section 5). */
    public static final int MAX_HEAD_BYTES = 16 * 1024;
    /**
     * So are heads with more header fields than this. It is also the JDK server's own limit
     * ({@code sun.net.httpserver.maxReqHeaders}, which {@code server/HttpRoutes} sets from this constant): the
     * JDK drops a connection past its limit without a word, so the front door must refuse first, with a
     * status. 200 is the JDK's default, which nothing honest comes near (Twilio sends about 15 fields).
     */
    public static final int MAX_HEADER_FIELDS = 200;

    private final Socket socket;
    private final InputStream in;
    private long startedNanos;

    /** {@code in} is the socket's input, buffered once and shared with whoever reads after the head. */
    public RequestHeadReader(Socket socket, InputStream in) {
        this.socket = socket;
        this.in = in;
    }

    /**
     * The next request head, or empty when the peer closed the connection before starting one.
     *
     * @param idleTimeout  how long to wait for the first byte of the request (zero: no limit)
     * @param headDeadline how long the whole head may take once its first byte has arrived
     * @throws SocketTimeoutException     when either time runs out
     * @throws HeadTooLargeException      past {@link #MAX_HEAD_BYTES} or {@link #MAX_HEADER_FIELDS}
     * @throws MalformedRequestException  when the bytes are not an HTTP request head
     */
    public Optional<RequestHead> read(Duration idleTimeout, Duration headDeadline) throws IOException {
        socket.setSoTimeout((int) idleTimeout.toMillis());
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        startedNanos = System.nanoTime();
        DeadlineInputStream rest = new DeadlineInputStream(socket, in, "request head");
        rest.deadlineAt(startedNanos + headDeadline.toNanos());
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        LineTracker lines = new LineTracker();
        int next = first;
        while (true) {
            if (head.size() == MAX_HEAD_BYTES) {
                throw new HeadTooLargeException(MAX_HEAD_BYTES);
            }
            head.write(next);
            if (lines.endsHead(next)) {
                return Optional.of(RequestHead.parse(head.toByteArray()));
            }
            if (lines.fields() > MAX_HEADER_FIELDS) {
                throw HeadTooLargeException.fields(MAX_HEADER_FIELDS);
            }
            next = rest.read();
            if (next < 0) {
                throw new MalformedRequestException("connection closed inside the request head");
            }
        }
    }

    /** {@link System#nanoTime()} when the first byte of the head last read arrived: where its request began. */
    public long startedNanos() {
        return startedNanos;
    }

    /**
     * Spots the empty line that ends a head, one byte at a time, and counts the header field lines before
     * it. Lines may end in CRLF or a bare LF, and empty lines before the request line do not count (RFC 9112 2.2).
     */
    private static final class LineTracker {
        private int lineLength;
        private boolean sawRequestLine;
        private int fields;

        boolean endsHead(int b) {
            if (b == '\n') {
                boolean emptyLine = lineLength == 0;
                lineLength = 0;
                if (!emptyLine) {
                    if (sawRequestLine) {
                        fields++;
                    }
                    sawRequestLine = true;
                }
                return emptyLine && sawRequestLine;
            }
            if (b != '\r') {
                lineLength++;
            }
            return false;
        }

        /** Header field lines ended so far. */
        int fields() {
            return fields;
        }
    }
}
