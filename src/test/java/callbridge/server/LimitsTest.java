package callbridge.server;

import callbridge.http.RequestHeadReader;
import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the front door refuses before any handler sees a request: oversized heads, requests (head or body)
 * not whole within the request timeout, too many connections.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LimitsTest {
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: test\r\n\r\n";
    /** Short, so the deadline tests run in about a second; the default is {@link Limits#DEFAULT_REQUEST_TIMEOUT}. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** How late past its deadline a slow request may be cut: the 408, a linger of up to a second, scheduling. */
    private static final Duration CUT_MARGIN = Duration.ofMillis(2_500);
    /** The attacker's pace: one byte this often keeps every single read well inside any per-read timeout. */
    private static final Duration DRIBBLE = Duration.ofMillis(100);

    private StandaloneServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private final TestHandlers.Echo echo = new TestHandlers.Echo();

    private void start(int maxConnections) throws IOException {
        server = StandaloneServer.start(Map.of("/test/echo", echo), Map.of(),
                new Limits(maxConnections, REQUEST_TIMEOUT, Duration.ofSeconds(5), Limits.DEFAULT_WRITE_TIMEOUT), new RelayDepartures());
    }

    // --- head size (RFC 6585 5: 431 Request Header Fields Too Large)

    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource({
            "16384, 200",   // exactly the limit, blank line included
            "16385, 431",   // one byte over
            "20000, 431",
            "60000, 431",
    })
    void head_bySize(int headBytes, int expectedStatus) throws Exception {
        start(10);
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send(headOfSize(headBytes));
            RawHttp.Response response = raw.readResponse();
            assertEquals(expectedStatus, response.status(), response.toString());
            if (expectedStatus == 431) {
                assertEquals("application/json", response.header("Content-Type").orElse(""));
                assertTrue(Json.MAPPER.readTree(response.body()).path("error").asText().contains("16384"),
                        response.bodyText());
                assertEquals("close", response.header("Connection").orElse(""));
                assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "connection still open after 431");
            }
        }
    }

    @Test
    void head_overLimitOnAKeepAliveConnection_431() throws Exception {
        start(10);
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(200, raw.send(HEALTH).readResponse().status());
            // The relay is now in use: the front door must stop it before answering on the same socket.
            RawHttp.Response response = raw.send(headOfSize(20_000)).readResponse();
            assertEquals(431, response.status(), response.toString());
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "connection still open after 431");
        }
    }

    // --- request deadline (slow loris): head and body together, however the bytes are spaced

    @Test
    void head_dribbledPastTheDeadline_408AndClosed() throws Exception {
        start(10);
        try (RawHttp raw = RawHttp.connect(server.port()); Dribbler dribbler = Dribbler.start(raw)) {
            long start = System.nanoTime();
            raw.send("GET /health HTTP/1.1\r\nX-Slow: ");
            dribbler.go();
            assertCutAfterTheDeadline(raw, start);
        }
    }

    @Test
    void body_dribbledPastTheDeadline_408AndClosed() throws Exception {
        start(10);
        try (RawHttp raw = RawHttp.connect(server.port()); Dribbler dribbler = Dribbler.start(raw)) {
            long start = System.nanoTime();
            // The finding: 9 KB of a 10 KB webhook body, then one byte at a time.
            raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10000\r\n\r\n" + "b".repeat(9_000));
            dribbler.go();
            assertCutAfterTheDeadline(raw, start);
        }
    }

    @Test
    void chunkedBody_dribbledPastTheDeadline_408AndClosed() throws Exception {
        start(10);
        try (RawHttp raw = RawHttp.connect(server.port()); Dribbler dribbler = Dribbler.start(raw)) {
            long start = System.nanoTime();
            raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "fffff\r\n");
            dribbler.go();
            assertCutAfterTheDeadline(raw, start);
        }
    }

    @Test
    void secondRequestOnAKeepAliveConnection_hasADeadlineOfItsOwn() throws Exception {
        start(10);
        try (RawHttp raw = RawHttp.connect(server.port()); Dribbler dribbler = Dribbler.start(raw)) {
            assertEquals(200, raw.send(HEALTH).readResponse().status());
            long start = System.nanoTime();
            raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n");
            dribbler.go();
            assertCutAfterTheDeadline(raw, start);
        }
    }

    /**
     * The finding: slow bodies fill the connection cap, and /health and every webhook answer 503 until they
     * are cut. Each is answered 408 at its deadline and closed after a linger of at most a second (so the
     * 408 is not lost to a reset), and /health then answers on the next connection.
     */
    @Test
    void slowBodiesAtTheConnectionCap_areCutAtTheDeadline_thenHealthAnswersAgain() throws Exception {
        int cap = 8;
        start(cap);
        List<RawHttp> slow = new ArrayList<>();
        List<Dribbler> dribblers = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < cap; i++) {
                RawHttp raw = RawHttp.connect(server.port());
                slow.add(raw);
                dribblers.add(Dribbler.start(raw));
                raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10000\r\n\r\n" + "b".repeat(9_000));
                dribblers.getLast().go();
            }
            waitForOpenConnections(cap);
            try (RawHttp refused = RawHttp.connect(server.port())) {
                assertEquals(503, refused.send(HEALTH).readResponse().status(), "the cap is full");
            }
            for (RawHttp raw : slow) {
                assertEquals(408, raw.readTimeout(REQUEST_TIMEOUT.plus(CUT_MARGIN)).readResponse().status());
                assertTrue(raw.closedWithin(CUT_MARGIN), "a slow connection was left open");
            }
            Duration allCut = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(200, healthStatusOnceOpen(0));
            Duration healthy = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("[LimitsTest] %d slow bodies at the cap, REQUEST_TIMEOUT=%d ms: all cut after %d ms, /health 200 after %d ms%n",
                    cap, REQUEST_TIMEOUT.toMillis(), allCut.toMillis(), healthy.toMillis());
            assertTrue(allCut.compareTo(REQUEST_TIMEOUT.plus(CUT_MARGIN)) < 0, "cut after " + allCut.toMillis() + " ms");
        } finally {
            dribblers.forEach(Dribbler::close);
            for (RawHttp raw : slow) {
                raw.close();
            }
        }
    }

    private static void assertCutAfterTheDeadline(RawHttp raw, long startNanos) throws IOException {
        RawHttp.Response response = raw.readTimeout(REQUEST_TIMEOUT.plus(CUT_MARGIN)).readResponse();
        assertEquals(408, response.status(), response.toString());
        assertEquals("close", response.header("Connection").orElse(""));
        assertTrue(raw.closedWithin(CUT_MARGIN), "connection still open after 408");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        assertTrue(elapsed.compareTo(REQUEST_TIMEOUT.minusMillis(50)) >= 0, "cut early: " + elapsed);
        assertTrue(elapsed.compareTo(REQUEST_TIMEOUT.plus(CUT_MARGIN)) <= 0, "cut late: " + elapsed);
    }

    /** Sends one byte every {@link #DRIBBLE} once told to go, until the server closes or the test ends. */
    private static final class Dribbler implements AutoCloseable {
        private final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        private final Thread thread;

        private Dribbler(RawHttp raw) {
            thread = Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    OutputStream out = raw.socket().getOutputStream();
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(DRIBBLE); // plays a deliberately slow peer: the attacker's pace
                        out.write('a');
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection, or the test is over
                }
            });
        }

        static Dribbler start(RawHttp raw) {
            return new Dribbler(raw);
        }

        void go() {
            go.countDown();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    // --- connection cap

    @Test
    void maxConnections_onePastTheCap_503ThenServedOnceOneCloses() throws Exception {
        start(3);
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp raw = RawHttp.connect(server.port());
                held.add(raw);
                // A request answered on each proves the connection was taken; keep-alive then holds it open.
                assertEquals(200, raw.send(HEALTH).readResponse().status());
            }
            assertEquals(3, server.frontDoor().openConnections());

            try (RawHttp fourth = RawHttp.connect(server.port())) {
                RawHttp.Response refused = fourth.send(HEALTH).readResponse();
                assertEquals(503, refused.status(), refused.toString());
                assertEquals("close", refused.header("Connection").orElse(""));
                assertTrue(Json.MAPPER.readTree(refused.body()).has("error"), refused.bodyText());
                assertTrue(fourth.closedWithin(Duration.ofSeconds(5)), "refused connection still open");
            }

            held.removeFirst().close();
            assertEquals(200, healthStatusOnceOpen(2));
            for (RawHttp raw : held) {
                assertEquals(200, raw.send(HEALTH).readResponse().status(), "a held connection stopped working");
            }
        } finally {
            for (RawHttp raw : held) {
                raw.close();
            }
        }
    }

    @Test
    void maxConnections_connectionsThatNeverSendAnything_countTowardTheCap() throws Exception {
        start(2);
        try (RawHttp first = RawHttp.connect(server.port()); RawHttp second = RawHttp.connect(server.port())) {
            waitForOpenConnections(2);
            try (RawHttp third = RawHttp.connect(server.port())) {
                // Refused at once, before it sends a byte.
                assertEquals(503, third.readResponse().status());
            }
            assertEquals(200, first.send(HEALTH).readResponse().status());
            assertEquals(200, second.send(HEALTH).readResponse().status());
        }
    }

    /**
     * Waits until {@code count} connections are open (the server's thread for a closed connection frees its
     * slot a moment after the close), then returns a new connection's answer to GET /health.
     */
    private int healthStatusOnceOpen(int count) throws Exception {
        waitForOpenConnections(count);
        try (RawHttp raw = RawHttp.connect(server.port())) {
            return raw.send(HEALTH).readResponse().status();
        }
    }

    private void waitForOpenConnections(int count) throws Exception {
        Await.until(count + " open connection(s)", Duration.ofSeconds(5), () -> server.frontDoor().openConnections() == count);
    }

    /** A GET /health head of exactly {@code size} bytes, blank line included, padded with one header. */
    private static byte[] headOfSize(int size) {
        String start = "GET /health HTTP/1.1\r\nHost: test\r\nX-Pad: ";
        String end = "\r\n\r\n";
        String head = start + "p".repeat(size - start.length() - end.length()) + end;
        assertEquals(size, head.length());
        assertTrue(RequestHeadReader.MAX_HEAD_BYTES == 16384, "the table above assumes a 16 KiB limit");
        return head.getBytes(StandardCharsets.US_ASCII);
    }
}
