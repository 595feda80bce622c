package callbridge.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RequestHeadReader on a real loopback connection: where a head ends, the size limit, and the two timers. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestHeadReaderTest {
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    private Socket client;
    private Socket server;
    private InputStream in;
    private RequestHeadReader reader;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            server = listener.accept();
        }
        in = new BufferedInputStream(server.getInputStream());
        reader = new RequestHeadReader(server, in);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
    }

    @Test
    void read_headThenBody_stopsAtTheEmptyLine() throws Exception {
        send("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
        RequestHead head = reader.read(GENEROUS, GENEROUS).orElseThrow();
        assertEquals("/x", head.target());
        assertEquals("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n", new String(head.raw(), StandardCharsets.ISO_8859_1));
        assertEquals("hello", new String(in.readNBytes(5), StandardCharsets.ISO_8859_1), "the body is left for the next reader");
    }

    @Test
    void read_pipelinedHeads_returnedOneByOne() throws Exception {
        send("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\nHost: h\n\nGET /3 HTTP/1.1\r\n\r\n");
        assertEquals("/1", reader.read(GENEROUS, GENEROUS).orElseThrow().target());
        assertEquals("/2", reader.read(GENEROUS, GENEROUS).orElseThrow().target());
        assertEquals("/3", reader.read(GENEROUS, GENEROUS).orElseThrow().target());
    }

    @Test
    void read_emptyLinesBeforeTheRequestLine_doNotEndTheHead() throws Exception {
        send("\r\n\n\r\nGET /late HTTP/1.1\r\nHost: h\r\n\r\n");
        RequestHead head = reader.read(GENEROUS, GENEROUS).orElseThrow();
        assertEquals("/late", head.target());
        assertEquals(Optional.of("h"), head.header("Host"));
    }

    @Test
    void read_peerClosedBeforeSendingAnything_empty() throws Exception {
        client.close();
        assertEquals(Optional.empty(), reader.read(GENEROUS, GENEROUS));
    }

    @Test
    void read_peerClosedInsideTheHead_malformed() throws Exception {
        send("GET / HTTP/1.1\r\nHost: h\r\n");
        client.shutdownOutput();
        assertThrows(MalformedRequestException.class, () -> reader.read(GENEROUS, GENEROUS));
    }

    @Test
    void read_malformedHead_malformed() throws Exception {
        send("GET / HTTP/1.1\r\nHost : h\r\n\r\n");
        assertThrows(MalformedRequestException.class, () -> reader.read(GENEROUS, GENEROUS));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {RequestHeadReader.MAX_HEAD_BYTES - 1, RequestHeadReader.MAX_HEAD_BYTES})
    void read_headUpToTheLimit_accepted(int size) throws Exception {
        Thread.ofVirtual().start(() -> sendQuietly(headOfSize(size)));
        RequestHead head = reader.read(GENEROUS, GENEROUS).orElseThrow();
        assertEquals(size, head.raw().length);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {RequestHeadReader.MAX_HEAD_BYTES + 1, 3 * RequestHeadReader.MAX_HEAD_BYTES})
    void read_headOverTheLimit_tooLarge(int size) {
        Thread.ofVirtual().start(() -> sendQuietly(headOfSize(size)));
        assertThrows(HeadTooLargeException.class, () -> reader.read(GENEROUS, GENEROUS));
    }

    @Test
    void read_headWithoutEndOverTheLimit_tooLarge() {
        // No empty line ever: the limit, not the peer, must end the read.
        Thread.ofVirtual().start(() -> sendQuietly("GET / HTTP/1.1\r\nX: " + "a".repeat(40_000)));
        assertThrows(HeadTooLargeException.class, () -> reader.read(GENEROUS, GENEROUS));
    }

    @Test
    void read_nothingArrivesWithinTheIdleTimeout_timesOut() {
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> reader.read(Duration.ofMillis(300), GENEROUS));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.toMillis() >= 250 && waited.toMillis() < 3_000, "waited " + waited);
    }

    @Test
    void read_headDribbledPastTheDeadline_timesOut() throws Exception {
        send("G");
        // Every byte comes well within any per-read timeout; only a deadline for the whole head stops this.
        Thread dribbler = Thread.ofVirtual().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(50); // plays a deliberately slow peer: a byte every 50 ms
                    client.getOutputStream().write('a');
                }
            } catch (IOException | InterruptedException e) {
                // done
            }
        });
        long start = System.nanoTime();
        try {
            assertThrows(SocketTimeoutException.class, () -> reader.read(GENEROUS, Duration.ofMillis(500)));
        } finally {
            dribbler.interrupt();
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.toMillis() >= 400 && waited.toMillis() < 3_000, "waited " + waited);
    }

    @Test
    void read_zeroIdleTimeout_waitsForTheFirstByteWithoutLimit() throws Exception {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(700); // plays a deliberately slow peer: silent longer than any idle timeout would allow
                sendQuietly("GET /later HTTP/1.1\r\n\r\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals("/later", reader.read(Duration.ZERO, GENEROUS).orElseThrow().target());
    }

    private void send(String text) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private void sendQuietly(String text) {
        try {
            send(text);
        } catch (IOException e) {
            // the reader gave up first: the test's assertions say whether that was right
        }
    }

    /** A head of exactly {@code size} bytes, blank line included. */
    private static String headOfSize(int size) {
        String start = "GET / HTTP/1.1\r\nX-Pad: ";
        String end = "\r\n\r\n";
        return start + "p".repeat(size - start.length() - end.length()) + end;
    }
}
