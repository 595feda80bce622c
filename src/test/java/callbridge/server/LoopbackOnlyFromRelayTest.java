package callbridge.server;

import callbridge.json.Json;
import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loopback HttpServer serves the front door's relays only: another process on the machine that finds
 * its port and connects is answered 403, and no handler runs for it, so nobody can go around the front
 * door's limits (connection cap, head size and fields, request deadline).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackOnlyFromRelayTest {
    private static final String ECHO = "GET /test/echo HTTP/1.1\r\nHost: test\r\n\r\n";
    private static final TestHandlers.Echo echo = new TestHandlers.Echo();
    private static StandaloneServer server;
    /** The loopback port of the routes behind the front door. */
    private static int backendPort;

    @BeforeAll
    static void startServer() throws IOException {
        server = StandaloneServer.start(Map.of("/test/echo", echo, TestHandlers.LOCAL_PORT_PATH, TestHandlers.LOCAL_PORT), Map.of(),
                Duration.ofSeconds(5), 10);
        backendPort = TestHandlers.backendPort(server.port());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void directToTheLoopbackPort_403AndClosed_handlerNeverRuns() throws Exception {
        echo.reset();
        for (String request : new String[]{ECHO, "GET /health HTTP/1.1\r\nHost: test\r\n\r\n"}) {
            try (RawHttp raw = RawHttp.connect(backendPort)) {
                RawHttp.Response response = raw.send(request).readResponse();
                assertEquals(403, response.status(), response.toString());
                assertEquals("only the front door may send requests here",
                        Json.MAPPER.readTree(response.body()).path("error").asText(), response.bodyText());
                assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "connection still open after 403");
            }
        }
        assertEquals(0, echo.requests.get(), "a handler ran for a request that went around the front door");
    }

    @Test
    void throughTheFrontDoor_served() throws Exception {
        echo.reset();
        try (RawHttp raw = RawHttp.connect(server.port())) {
            assertEquals(200, raw.send(ECHO).readResponse().status());
            assertEquals(200, raw.send(ECHO).readResponse().status(), "a kept-alive relay stays admitted");
        }
        assertEquals(2, echo.requests.get());
    }
}
