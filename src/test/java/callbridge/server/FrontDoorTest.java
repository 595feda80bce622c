package callbridge.server;

import callbridge.testing.StandaloneServer;
import callbridge.websocket.CloseFrame;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The front door's own decisions: which requests it keeps (WebSocket upgrades), which it relays, and shutdown. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FrontDoorTest {
    /** RFC 6455 1.3 sample key. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    /** RFC 6455 5.7: a masked text frame "Hello" from a client, and the unmasked one a server sends. */
    private static final byte[] MASKED_HELLO = HexFormat.of().parseHex("818537fa213d7f9f4d5158");
    private static final byte[] HELLO = HexFormat.of().parseHex("810548656c6c6f");

    private final TestHandlers.Echo echo = new TestHandlers.Echo();
    private StandaloneServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = StandaloneServer.start(Map.of("/test/echo", echo, "/ws", echo, "/test/hold", new TestHandlers.Hold(Duration.ofMillis(300))),
                Map.of("/ws", new EchoSocket()), Duration.ofSeconds(5), 10);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void upgrade_toAPathWithoutWebSocket_404NotRelayed() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send(UPGRADE.replace("GET /ws ", "GET /test/echo "));
            RawHttp.Response response = raw.readResponse();
            assertEquals(404, response.status(), response.toString());
            assertTrue(response.bodyText().contains("/test/echo"), response.bodyText());
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)));
        }
        assertEquals(0, echo.requests.get(), "requests relayed to the HttpServer");
    }

    @Test
    void webSocketPath_plainGet_refusedByTheFrontDoorNotRelayed() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            RawHttp.Response response = raw.send("GET /ws HTTP/1.1\r\nHost: test\r\n\r\n").readResponse();
            assertEquals(400, response.status(), response.toString());
        }
        assertEquals(0, echo.requests.get(), "requests relayed to the HttpServer");
    }

    @Test
    void upgrade_valid_switchesProtocols() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            RawHttp.Response response = raw.send(UPGRADE).readResponse();
            assertEquals(101, response.status());
            // RFC 6455 1.3: the accept key for the sample key.
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response.header("Sec-WebSocket-Accept").orElse(""));
            raw.send(MASKED_HELLO);
            assertArrayEquals(HELLO, raw.socket().getInputStream().readNBytes(HELLO.length));
        }
    }

    @Test
    void keepAlive_httpRequestThenUpgradeOnTheSameConnection_switches() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            RawHttp.Response relayed = raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\nhi")
                    .readResponse();
            assertEquals("hi", relayed.bodyText());
            assertEquals(101, raw.send(UPGRADE).readResponse().status());
            raw.send(MASKED_HELLO);
            assertArrayEquals(HELLO, raw.socket().getInputStream().readNBytes(HELLO.length));
        }
        assertEquals(1, echo.requests.get());
    }

    @Test
    void http10_answeredThenClosed() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            RawHttp.Response response = raw.send("GET /health HTTP/1.0\r\n\r\n").readResponse();
            assertEquals(200, response.status());
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "HTTP/1.0 without keep-alive left open");
        }
    }

    @Test
    void halfClose_afterTheLastRequest_answersStillArrive() throws Exception {
        // Clients such as "printf ... | nc -N" send their request and then shut down their sending side.
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("GET /health HTTP/1.1\r\nHost: test\r\n\r\n"
                    + "GET /test/hold HTTP/1.1\r\nHost: test\r\n\r\n");
            raw.socket().shutdownOutput();
            assertEquals(200, raw.readResponse().status());
            RawHttp.Response held = raw.readResponse();
            assertEquals(200, held.status());
            assertEquals("held", held.bodyText());
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "connection left open after the answers");
        }
    }

    @Test
    void close_dropsOpenConnectionsAndStopsAccepting() throws Exception {
        int port = server.port();
        try (RawHttp idle = RawHttp.connect(port); RawHttp used = RawHttp.connect(port)) {
            assertEquals(200, used.send("GET /health HTTP/1.1\r\nHost: test\r\n\r\n").readResponse().status());
            server.close();
            assertTrue(idle.closedWithin(Duration.ofSeconds(5)), "an idle connection survived close()");
            assertTrue(used.closedWithin(Duration.ofSeconds(5)), "a keep-alive connection survived close()");
        }
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    /** Sends every text message back. */
    private static final class EchoSocket implements WebSocketEndpoint {
        @Override
        public WebSocketListener open(WebSocketConnection connection, callbridge.http.RequestHead request) {
            return new WebSocketListener() {
                @Override
                public void onText(WebSocketConnection c, String message) {
                    try {
                        c.sendText(message);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void onClose(WebSocketConnection c, CloseFrame status) {
                }
            };
        }
    }
}
