package callbridge.server;

import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request lines that parse but are not served: other HTTP versions get 505 (RFC 9110 15.6.6), CONNECT gets
 * 501 (RFC 9110 9.3.6, 15.6.2). The front door answers them; nothing reaches the HttpServer behind it.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class UnsupportedRequestTest {
    private final TestHandlers.Echo echo = new TestHandlers.Echo();
    private StandaloneServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = StandaloneServer.start(Map.of("/test/echo", echo), Map.of(), Duration.ofSeconds(5), 10);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "GET /test/echo HTTP/2.0            | 505 | HTTP/2.0",
            "GET /test/echo HTTP/9.9            | 505 | HTTP/9.9",
            "GET /test/echo HTTP/0.9            | 505 | HTTP/0.9",
            "POST /test/echo HTTP/3.0           | 505 | HTTP/3.0",
            "CONNECT example.com:443 HTTP/1.1   | 501 | CONNECT",
            "CONNECT /test/echo HTTP/1.1        | 501 | CONNECT",
    })
    void unsupportedRequestLine_isAnsweredByTheFrontDoor_andNotRelayed(String requestLine, int status, String named) throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            RawHttp.Response response = raw.send(requestLine + "\r\nHost: test\r\nContent-Length: 0\r\n\r\n").readResponse();
            assertEquals(status, response.status(), response.toString());
            assertTrue(response.bodyText().contains(named), response.bodyText());
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)));
        }
        assertEquals(0, echo.requests.get(), "requests relayed to the HttpServer");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"HTTP/1.1", "HTTP/1.0", "HTTP/1.9"})
    void http1_anyMinorVersion_isServed(String version) throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            RawHttp.Response response = raw.send("GET /test/echo " + version + "\r\nHost: test\r\nConnection: close\r\n\r\n").readResponse();
            assertEquals(200, response.status(), response.toString());
        }
    }
}
