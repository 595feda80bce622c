package callbridge.server;

import callbridge.json.Json;
import callbridge.testing.StandaloneServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain HTTP through the public port: the front door reads each head and relays the request, byte for byte,
 * to the loopback HttpServer. Raw sockets where the exact bytes matter, java.net.http.HttpClient where a
 * real client's behaviour does.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayTest {
    private static final Duration HOLD = Duration.ofSeconds(2);
    private static final int LONG_POLLS = 50;
    private static final List<byte[]> CHUNKED_PIECES = List.of(
            "alpha\n".getBytes(StandardCharsets.US_ASCII),
            randomBytes(100_000, 1),
            "\r\n0\r\n\r\n looks like a last chunk but is data".getBytes(StandardCharsets.US_ASCII),
            "omega".getBytes(StandardCharsets.US_ASCII));

    private static final TestHandlers.Echo ECHO = new TestHandlers.Echo();
    private static final TestHandlers.Stream STREAM = new TestHandlers.Stream();
    private static final TestHandlers.Hold HOLDER = new TestHandlers.Hold(HOLD);

    private static StandaloneServer server;
    private static HttpClient client;

    @BeforeAll
    static void startServer() throws IOException {
        server = StandaloneServer.start(Map.of("/test/echo", ECHO,
                        "/test/chunked", TestHandlers.chunked(CHUNKED_PIECES),
                        "/test/stream", STREAM,
                        "/test/hold", HOLDER),
                Map.of(), Duration.ofSeconds(5), 200);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    @BeforeEach
    void resetHandlers() {
        ECHO.reset();
        STREAM.release = new CountDownLatch(1);
    }

    // --- routes of the HttpServer itself

    @Test
    void health_get_answers200Json_healthyWithTheTimeInEpochSeconds() throws Exception {
        long before = Instant.now().getEpochSecond();
        HttpResponse<String> response = client.send(get("/health"), HttpResponse.BodyHandlers.ofString());
        long after = Instant.now().getEpochSecond();
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode health = Json.MAPPER.readTree(response.body());
        assertEquals(2, health.size(), response.body()); // the prototype's two fields, nothing else
        assertEquals("healthy", health.path("status").asText());
        assertTrue(health.path("timestamp").isIntegralNumber(), response.body());
        long timestamp = health.path("timestamp").asLong();
        assertTrue(timestamp >= before && timestamp <= after, response.body());
    }

    @Test
    void health_clientOfferingH2cUpgrade_answers200() throws Exception {
        // HttpClient's default version is HTTP/2: over http:// it sends "Upgrade: h2c", which must be relayed
        // as ordinary HTTP/1.1 (only "Upgrade: websocket" is the front door's business).
        try (HttpClient h2Client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> response = h2Client.send(get("/health"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(HttpClient.Version.HTTP_1_1, response.version());
        }
    }

    @Test
    void health_afterStartDraining_answers404_forDisableOn404_whileLivenessStays200() throws Exception {
        try (StandaloneServer draining = startPlainServer()) {
            draining.server().startDraining();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri(draining, "/health"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, response.statusCode());
            assertEquals("draining", Json.MAPPER.readTree(response.body()).path("status").asText());
            assertTrue(Json.MAPPER.readTree(response.body()).path("timestamp").isIntegralNumber(), response.body());
            HttpResponse<String> live = client.send(HttpRequest.newBuilder(uri(draining, "/health/live"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode());
            assertEquals("draining", Json.MAPPER.readTree(live.body()).path("status").asText());
        }
    }

    @Test
    void unknownPath_answers404Json() throws Exception {
        HttpResponse<String> response = client.send(get("/no/such/route"), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertTrue(body.path("error").asText().contains("/no/such/route"), response.body());
    }

    // --- request bodies

    @Test
    void post_contentLengthBody_arrivesIntact() throws Exception {
        byte[] body = "CallSid=CA123&From=%2B34600000000&Body=ni%C3%B1o".getBytes(StandardCharsets.US_ASCII);
        HttpResponse<byte[]> response = client.send(post("/test/echo", body), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(body, response.body());
    }

    @Test
    void post_oneMegabyteBody_arrivesIntact() throws Exception {
        byte[] body = randomBytes(1 << 20, 2);
        HttpResponse<byte[]> response = client.send(post("/test/echo", body), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(body, response.body());
    }

    @Test
    void post_chunkedBodyOnRawSocket_arrivesIntact() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n"
                    + "1;name=value\r\n \r\n"           // a chunk extension is passed on and ignored
                    + "A\r\n0\r\n\r\nworld\r\n"         // data that looks like a last chunk
                    + "0\r\n\r\n");
            RawHttp.Response response = raw.readResponse();
            assertEquals(200, response.status());
            assertEquals("hello 0\r\n\r\nworld", response.bodyText());
        }
    }

    @Test
    void post_chunkedMegabyteFromHttpClient_arrivesIntact() throws Exception {
        byte[] body = randomBytes(1 << 20, 3);
        // A publisher of unknown length makes HttpClient send Transfer-Encoding: chunked.
        HttpRequest request = HttpRequest.newBuilder(uri("/test/echo")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(body, response.body());
    }

    @Test
    void post_chunkedBodyWithTrailer_answeredOnceAndConnectionStaysUsable() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("POST /test/echo?1 HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\nX-Checksum: 42\r\n\r\n");
            RawHttp.Response first = raw.readResponse();
            assertEquals(200, first.status(), first.toString());
            assertEquals("abc", first.bodyText());
            raw.send("GET /test/echo?2 HTTP/1.1\r\nHost: test\r\n\r\n");
            RawHttp.Response second = raw.readResponse();
            assertEquals(200, second.status(), second.toString());
            assertEquals("/test/echo?2", second.header("X-Target").orElse(""));
        }
    }

    @Test
    void expectContinue_onRawSocket_interim100ThenAnswer() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
            // The client holds its body back until it hears 100 Continue: the relay must not wait for it.
            RawHttp.Response interim = raw.readTimeout(Duration.ofSeconds(3)).readResponse();
            assertEquals(100, interim.status());
            raw.send("hello world");
            RawHttp.Response response = raw.readFinalResponse();
            assertEquals(200, response.status());
            assertEquals("hello world", response.bodyText());
        }
    }

    @Test
    void expectContinue_fromHttpClient_bodyArrives() throws Exception {
        byte[] body = randomBytes(50_000, 4);
        HttpRequest request = HttpRequest.newBuilder(uri("/test/echo")).timeout(Duration.ofSeconds(5))
                .expectContinue(true).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(body, response.body());
    }

    // --- answers

    @Test
    void chunkedAnswer_onRawSocket_arrivesIntact() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("GET /test/chunked HTTP/1.1\r\nHost: test\r\n\r\n");
            RawHttp.Response response = raw.readResponse();
            assertEquals(200, response.status());
            assertEquals("chunked", response.header("Transfer-Encoding").orElse(""));
            assertArrayEquals(concat(CHUNKED_PIECES), response.body());
        }
    }

    @Test
    void chunkedAnswer_isPassedOnAsWritten() throws Exception {
        HttpResponse<InputStream> response = client.send(get("/test/stream"), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.US_ASCII))) {
            // The handler writes "second" only once we have read "first": a relay that buffered the answer
            // until the handler finished would time out here.
            assertEquals("first", lines.readLine());
            STREAM.release.countDown();
            assertEquals("second", lines.readLine());
            assertNull(lines.readLine());
        }
    }

    // --- keep-alive

    @Test
    void keepAlive_requestsOneAfterAnotherOnOneSocket_answeredInOrder() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            for (int i = 1; i <= 5; i++) {
                String body = "request " + i;
                raw.send("POST /test/echo?n=" + i + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body);
                RawHttp.Response response = raw.readResponse();
                assertEquals(200, response.status());
                assertEquals("/test/echo?n=" + i, response.header("X-Target").orElse(""));
                assertEquals(body, response.bodyText());
            }
        }
        assertEquals(1, ECHO.connections.size(), "backend connections used");
    }

    @Test
    void keepAlive_pipelinedRequestsOnOneSocket_answeredInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            String body = "body " + i;
            requests.append("POST /test/echo?n=").append(i).append(" HTTP/1.1\r\nHost: test\r\nContent-Length: ")
                    .append(body.length()).append("\r\n\r\n").append(body);
        }
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send(requests.toString()); // all five in one write, before any answer
            for (int i = 1; i <= 5; i++) {
                RawHttp.Response response = raw.readResponse();
                assertEquals(200, response.status());
                assertEquals("/test/echo?n=" + i, response.header("X-Target").orElse(""));
                assertEquals("body " + i, response.bodyText());
            }
        }
    }

    @Test
    void keepAlive_httpClientSendsSeveralRequests_serverSeesOneConnection() throws Exception {
        try (HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 1; i <= 5; i++) {
                byte[] body = ("request " + i).getBytes(StandardCharsets.US_ASCII);
                HttpResponse<byte[]> response = fresh.send(post("/test/echo?n=" + i, body),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode());
                assertArrayEquals(body, response.body());
            }
        }
        assertEquals(5, ECHO.requests.get());
        assertEquals(1, ECHO.connections.size(), "backend connections used");
    }

    @Test
    void keepAlive_connectionClose_answeredThenClosed() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("GET /test/echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            assertEquals(200, raw.readResponse().status());
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "connection still open after Connection: close");
        }
    }

    // --- long polls

    @Test
    void longPolls_fiftyAtOnce_allAnsweredInAboutTheHoldTime() throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < LONG_POLLS; i++) {
            polls.add(client.sendAsync(HttpRequest.newBuilder(uri("/test/hold?n=" + i))
                    .timeout(Duration.ofSeconds(25)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            HttpResponse<String> response = poll.get(25, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("held", response.body());
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(elapsed.compareTo(HOLD) >= 0, "answered before the hold ended: " + elapsed);
        // One after another they would take 50 x 2 s; held side by side, about 2 s.
        assertTrue(elapsed.compareTo(Duration.ofSeconds(20)) < 0, "took " + elapsed);
        assertTrue(HOLDER.mostHeldAtOnce.get() >= LONG_POLLS * 4 / 5, "held at once: " + HOLDER.mostHeldAtOnce);
    }

    // --- framing the front door must refuse (RFC 9112 6.3: these are what request smuggling lives on)

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: 5\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: chunked\r\nContent-Length: 5",
            "Transfer-Encoding: chunked\r\ncontent-length: 0",
    })
    void framing_contentLengthAndTransferEncoding_400(String headers) throws Exception {
        assertRefused(400, headers, "5\r\nhello\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: abc",
            "Content-Length: -1",
            "Content-Length: +5",
            "Content-Length: 1.5",
            "Content-Length: 0x5",
            "Content-Length: 5, 6",
            "Content-Length: 5\r\nContent-Length: 6",
            "Content-Length: 99999999999999999999",
            "Content-Length: ",
    })
    void framing_badContentLength_400(String headers) throws Exception {
        assertRefused(400, headers, "hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: gzip", "Transfer-Encoding: chunked, gzip"})
    void framing_chunkedNotTheLastCoding_400(String headers) throws Exception {
        assertRefused(400, headers, "5\r\nhello\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5;ext\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhelloXY0\r\n\r\n",
            "-5\r\nhello\r\n0\r\n\r\n", "zz\r\nhello\r\n0\r\n\r\n"})
    void framing_malformedChunks_400(String body) throws Exception {
        // A chunk line ending in a bare LF is read differently by the HttpServer's chunk parser, which
        // would then take part of the next request as body.
        assertRefused(400, "Transfer-Encoding: chunked", body);
    }

    @Test
    void framing_codingTheBackendCannotDecode_refusedNeverHandled() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n");
            assertEquals(400, raw.readResponse().status());
        }
        assertEquals(0, ECHO.requests.get(), "requests that reached the handler");
    }

    // --- heads the relay passes on

    @Test
    void head_bareLineFeeds_relayedAndAnswered() throws Exception {
        // RFC 9112 2.2 lets a server accept bare LF line ends; the relay must still be understood upstream.
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("POST /test/echo?bare HTTP/1.1\nHost: test\nContent-Length: 2\n\nhi");
            RawHttp.Response response = raw.readTimeout(Duration.ofSeconds(5)).readResponse();
            assertEquals(200, response.status());
            assertEquals("/test/echo?bare", response.header("X-Target").orElse(""));
            assertEquals("hi", response.bodyText());
        }
    }

    @Test
    void head_leadingEmptyLines_relayedAndAnswered() throws Exception {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("\r\n\r\nGET /test/echo?lead HTTP/1.1\r\nHost: test\r\n\r\n");
            RawHttp.Response response = raw.readTimeout(Duration.ofSeconds(5)).readResponse();
            assertEquals(200, response.status());
            assertEquals("/test/echo?lead", response.header("X-Target").orElse(""));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "X-Note: a\r\n folded",                       // obs-fold (RFC 9112 5.2)
            "Content-Length : 5",                         // whitespace before the colon (RFC 9112 5.1)
            "X-Note: a\rContent-Length: 5",               // a bare CR (RFC 9112 2.2): the HttpServer ends the line there
    })
    void head_smugglingShapes_400(String headers) throws Exception {
        assertRefused(400, headers, "hello");
    }

    /** Sends a POST with {@code headers} and {@code body}: it must be refused with {@code status} and closed. */
    private static void assertRefused(int status, String headers, String body) throws IOException {
        try (RawHttp raw = RawHttp.connect(server.port())) {
            raw.send("POST /test/echo HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n\r\n" + body);
            RawHttp.Response response = raw.readTimeout(Duration.ofSeconds(5)).readResponse();
            assertEquals(status, response.status(), response.toString());
            assertEquals("close", response.header("Connection").orElse(""), response.toString());
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)), "connection still open after " + status);
        }
        assertEquals(0, ECHO.requests.get(), "requests that reached the handler");
    }

    private static StandaloneServer startPlainServer() throws IOException {
        return StandaloneServer.start(Map.of(), Map.of(),
                Duration.ofSeconds(5), 10);
    }

    private static URI uri(String pathAndQuery) {
        return uri(server, pathAndQuery);
    }

    private static URI uri(StandaloneServer on, String pathAndQuery) {
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + on.port() + pathAndQuery);
    }

    private static HttpRequest get(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build();
    }

    private static HttpRequest post(String pathAndQuery, byte[] body) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(List<byte[]> pieces) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        pieces.forEach(all::writeBytes);
        return all.toByteArray();
    }
}
