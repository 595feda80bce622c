package callbridge.server;

import callbridge.http.RequestHeadReader;
import callbridge.json.Json;
import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * One limit on the number of header fields, with one answer: the front door and the JDK server behind it
 * used to disagree (the JDK dropped a request with more than 200 fields without a word), so past
 * {@link RequestHeadReader#MAX_HEADER_FIELDS} the front door answers 431 itself, and at the limit the
 * request reaches its handler.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeaderFieldLimitTest {
    private static StandaloneServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = StandaloneServer.start(Map.of("/test/echo", new TestHandlers.Echo()), Map.of(), Duration.ofSeconds(5), 10);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest(name = "{0} fields named {1} -> {2}")
    @CsvSource({
            "1,   distinct, 200",
            "200, distinct, 200",   // the limit, Host included
            "201, distinct, 431",   // the JDK server dropped this one without an answer
            "500, distinct, 431",
            "200, repeated, 200",
            "201, repeated, 431",   // counted as fields, not names
    })
    void headerFields_byCount(int fields, String naming, int expectedStatus) throws Exception {
        assertEquals(200, RequestHeadReader.MAX_HEADER_FIELDS, "the table assumes the JDK's default of 200");
        StringBuilder head = new StringBuilder("GET /test/echo HTTP/1.1\r\nHost: test\r\n");
        for (int i = 1; i < fields; i++) {
            head.append(naming.equals("distinct") ? "X-Field-" + i : "X-Same").append(": ").append(i).append("\r\n");
        }
        try (RawHttp raw = RawHttp.connect(server.port())) {
            RawHttp.Response response = raw.send(head.append("\r\n").toString()).readResponse();
            assertEquals(expectedStatus, response.status(), response.toString());
            if (expectedStatus == 431) {
                assertTrue(Json.MAPPER.readTree(response.body()).path("error").asText().contains("more than 200 header fields"),
                        response.bodyText());
                assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "connection still open after 431");
            }
        }
    }
}
