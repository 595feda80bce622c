package callbridge.server;

import callbridge.http.Json;
import callbridge.http.RequestHeadReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the front door refuses before any handler sees a request: oversized heads, slow heads, too many connections. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LimitsTest {
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: test\r\n\r\n";

    private CallbridgeServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private void start(int maxConnections) throws IOException {
        server = CallbridgeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of("/test/echo", new TestHandlers.Echo()), Map.of(), Duration.ofSeconds(5), maxConnections);
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

    // --- head deadline (slow loris)

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void head_dribbledPastTheDeadline_connectionDropped() throws Exception {
        start(10);
        try (RawHttp raw = RawHttp.connect(server.port())) {
            long start = System.nanoTime();
            raw.send("GET /health HTTP/1.1\r\nX-Slow: ");
            // One byte every half second keeps every single read short: only a deadline for the whole head
            // ends this.
            Thread dribbler = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = raw.socket().getOutputStream();
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(500);
                        out.write('a');
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection, or the test is over
                }
            });
            try {
                assertTrue(raw.closedWithin(Duration.ofSeconds(20)), "connection still open after 20 s");
            } finally {
                dribbler.interrupt();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(FrontDoor.HEAD_DEADLINE.minusSeconds(1)) >= 0, "dropped early: " + elapsed);
            assertTrue(elapsed.compareTo(FrontDoor.HEAD_DEADLINE.plusSeconds(3)) <= 0, "dropped late: " + elapsed);
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
            assertEquals(200, healthStatusOnceAdmitted(Duration.ofSeconds(5)));
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
     * Connects again and again until a connection is admitted (the slot of a closed connection is freed by the
     * server's thread a moment after the close), and returns that connection's answer to GET /health.
     */
    private int healthStatusOnceAdmitted(Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (RawHttp raw = RawHttp.connect(server.port())) {
                int status = raw.send(HEALTH).readResponse().status();
                if (status != 503 || System.nanoTime() > deadline) {
                    return status;
                }
            }
            Thread.sleep(20);
        }
    }

    private void waitForOpenConnections(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.frontDoor().openConnections() != count) {
            assertTrue(System.nanoTime() < deadline, "open connections: " + server.frontDoor().openConnections());
            Thread.sleep(10);
        }
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
