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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The finding: a client that pipelines requests, never reads an answer, then resets its connection left a
 * descriptor in the loopback server for up to 20 minutes (its {@code maxRspTime}). The relay's pump stops
 * when the client is gone, but the front door's thread was still writing the next request to the backend,
 * which does not read it while its answer is stuck: both sides waited for each other. When the public side
 * dies, the relay now closes its loopback side at once. The timeouts here are long, so only that can end it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelinedResetTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LONG = Duration.ofSeconds(50);
    private static final int CLIENTS = 5;
    private static final int BODY_BYTES = 32 << 20;

    private StandaloneServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = StandaloneServer.start(Map.of("/test/large", new Large(), "/test/echo", new TestHandlers.Echo(),
                        TestHandlers.LOCAL_PORT_PATH, TestHandlers.LOCAL_PORT), Map.of(),
                new Limits(100, LONG, LONG, LONG), new RelayDepartures());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void pipelineNeverReadThenReset_noDescriptorLeftOnTheBackend() throws Exception {
        int backendPort = TestHandlers.backendPort(server.port());
        List<RawHttp> clients = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            RawHttp raw = RawHttp.connect(server.port());
            raw.socket().setReceiveBufferSize(4096);
            clients.add(raw);
            // A large answer nobody reads, then a request whose body the backend will not take meanwhile.
            senders.add(Thread.ofVirtual().start(() -> {
                try {
                    raw.send("GET /test/large HTTP/1.1\r\nHost: test\r\n\r\n"
                            + "POST /test/echo HTTP/1.1\r\nHost: test\r\nContent-Length: " + BODY_BYTES + "\r\n\r\n");
                    raw.send(new byte[BODY_BYTES]);
                } catch (IOException e) {
                    // reset below, while this send is blocked
                }
            }));
        }
        for (RawHttp raw : clients) {
            int local = raw.socket().getLocalPort();
            Await.until("the front door stops taking the body", WAIT,
                    () -> OpenSockets.sendQueue(local, server.port()) > 256 * 1024);
        }
        Await.until("a backend connection per client", WAIT, () -> OpenSockets.onLocalPort(backendPort) == CLIENTS);
        for (RawHttp raw : clients) {
            raw.socket().setSoLinger(true, 0); // close sends a reset
            raw.close();
        }
        Await.until("no backend connection left", WAIT, () -> OpenSockets.onLocalPort(backendPort) == 0);
        Await.until("no public connection left", WAIT, () -> server.frontDoor().openConnections() == 0);
        for (Thread sender : senders) {
            sender.join(WAIT.toMillis());
        }
    }

    /** 256 MB of answer, more than any socket buffers hold. */
    private static final class Large implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.sendResponseHeaders(200, 256L << 20);
            byte[] block = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 4096; i++) {
                    out.write(block);
                }
            }
        }
    }
}
