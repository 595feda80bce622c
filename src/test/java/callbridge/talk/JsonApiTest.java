package callbridge.talk;

import callbridge.config.Secret;
import callbridge.testing.FakeLlm;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retries every LLM and Galtea request gets, against a stand-in that answers what a busy service
 * answers. Pauses are recorded, never slept: the tests take no time waiting.
 */
class JsonApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** RFC 9110 5.6.7's example date, 2 minutes before which the tests' clock stands. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("1994-11-06T08:47:37Z"), ZoneOffset.UTC);

    @AutoClose
    private final FakeLlm llm = FakeLlm.replying(List.of("Hola."));
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();

    JsonApiTest() throws IOException {
    }

    @Test
    void status429WithRetryAfterSeconds_waitsWhatWasAsked_thenSucceeds() throws Exception {
        llm.answerNext(new FakeLlm.Answer(429, Map.of("error", Map.of("message", "Rate limit reached")), Map.of("Retry-After", "7")));

        assertEquals("list", api(llm.baseUrl()).get("/models").path("object").asText());

        assertEquals(List.of(Duration.ofSeconds(7)), pauses);
        assertEquals(2, llm.requests().size());
    }

    @Test
    void status503WithRetryAfterDate_waitsUntilThatDate() throws Exception {
        llm.answerNext(new FakeLlm.Answer(503, Map.of(), Map.of("Retry-After", "Sun, 06 Nov 1994 08:48:07 GMT")));

        api(llm.baseUrl()).get("/models");

        assertEquals(List.of(Duration.ofSeconds(30)), pauses);
    }

    @Test
    void retryableStatuses_eachTriedAgain_withTheDoublingBackOff() throws Exception {
        for (int status : List.of(408, 409, 429, 500, 502, 503, 504)) {
            pauses.clear();
            llm.answerNext(new FakeLlm.Answer(status, Map.of()), new FakeLlm.Answer(status, Map.of()));

            api(llm.baseUrl()).get("/models");

            assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1)), pauses, "HTTP " + status);
        }
    }

    @Test
    void status5xxEveryTime_failsAfterThreeTries_sayingSo() {
        JsonApi.ApiException e = assertThrows(JsonApi.ApiException.class, () -> {
            llm.answerNext(new FakeLlm.Answer(502, Map.of("error", "Bad Gateway")), new FakeLlm.Answer(502, Map.of("error", "Bad Gateway")),
                    new FakeLlm.Answer(502, Map.of("error", "Bad Gateway")));
            api(llm.baseUrl()).get("/models");
        });

        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("with HTTP 502: {\"error\":\"Bad Gateway\"} (after 3 tries)"), e.getMessage());
        assertEquals(3, llm.requests().size());
    }

    /** An answer past the bound is not read to its end, and not asked for again: it would come the same. */
    @Test
    void anAnswerOverTheBound_isRefused_once() {
        llm.answerNext(new FakeLlm.Answer(200, Map.of("content", "x".repeat(JsonApi.MAX_BODY_BYTES))));

        JsonApi.ApiException e = assertThrows(JsonApi.ApiException.class, () -> api(llm.baseUrl()).get("/models"));

        assertTrue(e.getMessage().contains("with more than 1024 KiB"), e.getMessage());
        assertEquals(1, llm.requests().size());
    }

    @Test
    void status400_neverTriedAgain() {
        llm.answerNext(new FakeLlm.Answer(400, Map.of("error", Map.of("message", "bad request"))));

        JsonApi.ApiException e = assertThrows(JsonApi.ApiException.class, () -> api(llm.baseUrl()).get("/models"));

        assertEquals(400, e.status());
        assertTrue(!e.getMessage().contains("tries"), e.getMessage());
        assertEquals(List.of(), pauses);
        assertEquals(1, llm.requests().size());
    }

    @Test
    void retryAfterPastTheWaitBound_failsAtOnce() {
        llm.answerNext(new FakeLlm.Answer(429, Map.of(), Map.of("Retry-After", "3600")));

        assertThrows(JsonApi.ApiException.class, () -> api(llm.baseUrl()).get("/models"));

        assertEquals(List.of(), pauses);
        assertEquals(1, llm.requests().size());
    }

    @Test
    void connectionRefused_triedThreeTimes_thenNamesTheAddress() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI base = URI.create("http://127.0.0.1:" + closedPort);

        IOException e = assertThrows(IOException.class, () -> api(base).get("/models"));

        assertTrue(e.getMessage().contains("at " + base + " cannot be reached: connection refused (after 3 tries)"), e.getMessage());
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1)), pauses);
    }

    private JsonApi api(URI base) {
        return new JsonApi("the LLM", base, Optional.of(new Secret(FakeLlm.API_KEY)), HTTP, Duration.ofSeconds(10),
                JsonApi.RETRIES, pauses::add, CLOCK);
    }
}
