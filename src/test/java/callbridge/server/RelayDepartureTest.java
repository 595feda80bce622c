package callbridge.server;

import callbridge.testing.Await;
import callbridge.testing.OpenSockets;
import callbridge.testing.StandaloneServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that goes away, however it goes, leaves nothing behind: the relay closes its loopback connection
 * (no descriptor is left in the HttpServer), and a handler still working for it learns at once that it left.
 * A client that stops reading is dropped after the write timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayDepartureTest {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: test\r\n\r\n";

    private final RelayDepartures departures = new RelayDepartures();
    private final AwaitDeparture awaitDeparture = new AwaitDeparture(departures);
    private StandaloneServer server;
    private int backendPort;

    @BeforeEach
    void startServer() throws IOException {
        server = StandaloneServer.start(Map.of("/test/await-departure", awaitDeparture, "/test/large", new Large(),
                        TestHandlers.LOCAL_PORT_PATH, TestHandlers.LOCAL_PORT), Map.of(),
                new Limits(100, Limits.DEFAULT_REQUEST_TIMEOUT, Duration.ofSeconds(5), WRITE_TIMEOUT), departures);
        backendPort = TestHandlers.backendPort(server.port());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** The finding: 20 clients pipeline requests, never read, and close; each left a descriptor for good. */
    @Test
    void pipelinedNeverReadThenClosed_noConnectionLeftOnTheBackend() throws Exception {
        List<RawHttp> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RawHttp raw = RawHttp.connect(server.port());
            clients.add(raw);
            raw.send(HEALTH.repeat(200) + "GET /test/await-departure HTTP/1.1\r\nHost: test\r\n\r\n" + HEALTH.repeat(200));
        }
        for (int i = 0; i < clients.size(); i++) {
            assertNotNull(awaitDeparture.started.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "long poll " + i + " never began");
        }
        assertEquals(20, OpenSockets.onLocalPort(backendPort), "one backend connection per client");
        for (RawHttp raw : clients) {
            raw.close();
        }
        awaitCount(() -> OpenSockets.onLocalPort(backendPort), 0);
        awaitCount(server.frontDoor()::openConnections, 0);
        assertEquals(20, awaitDeparture.departed.get(), "handlers told their client left");
    }

    @Test
    void clientClosesDuringALongPoll_handlerLearnsAtOnce_backendConnectionClosed() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("GET /test/await-departure HTTP/1.1\r\nHost: test\r\n\r\n");
            assertNotNull(awaitDeparture.started.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(1, OpenSockets.onLocalPort(backendPort));
        }
        awaitCount(awaitDeparture.departed::get, 1);
        awaitCount(() -> OpenSockets.onLocalPort(backendPort), 0);
    }

    @Test
    void clientResetsDuringALongPoll_handlerLearnsAtOnce_backendConnectionClosed() throws Exception {
        RawHttp raw = RawHttp.connect(server.port());
        raw.send("GET /test/await-departure HTTP/1.1\r\nHost: test\r\n\r\n");
        assertNotNull(awaitDeparture.started.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        raw.socket().setSoLinger(true, 0); // close sends a reset
        raw.close();
        awaitCount(awaitDeparture.departed::get, 1);
        awaitCount(() -> OpenSockets.onLocalPort(backendPort), 0);
    }

    /** A client that keeps its connection but reads nothing is dropped after the write timeout. */
    @Test
    void clientThatNeverReads_droppedAfterTheWriteTimeout() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.socket().setReceiveBufferSize(4096);
            awaitCount(server.frontDoor()::openConnections, 1);
            long start = System.nanoTime();
            raw.send("GET /test/large HTTP/1.1\r\nHost: test\r\n\r\n");
            awaitCount(server.frontDoor()::openConnections, 0);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            awaitCount(() -> OpenSockets.onLocalPort(backendPort), 0);
            System.out.printf("[RelayDepartureTest] a client that never reads, WRITE_TIMEOUT=%d ms: dropped after %d ms%n",
                    WRITE_TIMEOUT.toMillis(), took.toMillis());
            assertTrue(took.compareTo(WRITE_TIMEOUT) >= 0, "dropped after only " + took.toMillis() + " ms");
        }
    }

    /** Waits (polling: the count is the operating system's, with no event to wait on) for {@code expected}. */
    private static void awaitCount(IntSupplier count, int expected) throws Exception {
        Await.until("a count of " + expected + ", now " + count.getAsInt(), WAIT, () -> count.getAsInt() == expected);
    }

    /** A long poll that ends only when its client leaves (or after a minute), then answers. */
    private static final class AwaitDeparture implements HttpHandler {
        final BlockingQueue<InetSocketAddress> started = new LinkedBlockingQueue<>();
        final java.util.concurrent.atomic.AtomicInteger departed = new java.util.concurrent.atomic.AtomicInteger();
        private final RelayDepartures departures;

        AwaitDeparture(RelayDepartures departures) {
            this.departures = departures;
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            CompletableFuture<Void> departure = departures.departure(exchange.getRemoteAddress());
            started.add(exchange.getRemoteAddress());
            try {
                departure.get(1, TimeUnit.MINUTES);
                departed.incrementAndGet();
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
                return;
            } finally {
                departure.cancel(false);
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    /** 64 MB of answer, more than any socket buffers hold. */
    private static final class Large implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.sendResponseHeaders(200, 64L << 20);
            byte[] block = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 1024; i++) {
                    out.write(block);
                }
            }
        }
    }
}
