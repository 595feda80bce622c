package callbridge.server;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /calls}, {@code /calls/{sid}} and {@code /calls/next} on a real server, over loopback. */
class CallsRouteTest {
    private static final String UNKNOWN_SID = "CA" + "e".repeat(32);

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void everyCallsRoute_needsTheKey() throws Exception {
        for (String path : List.of("/calls", "/calls/" + UNKNOWN_SID, "/calls/next?timeout=0")) {
            assertEquals(403, server.get(path, null).statusCode(), path);
            assertEquals(403, server.get(path, "wrong-key").statusCode(), path);
        }
    }

    @Test
    void callsWithoutApiKeyConfigured_are503() throws Exception {
        try (TestCallbridge keyless = TestCallbridge.start(Map.of("API_KEY", ""))) {
            assertEquals(503, keyless.get("/calls", "anything").statusCode());
        }
    }

    @Test
    void unknownCall_is404_malformedSid_is400_otherPaths_404() throws Exception {
        assertEquals(404, get("/calls/" + UNKNOWN_SID).statusCode());
        for (String bad : List.of("CA123", "CA" + "g".repeat(32), "..%2F..%2Fetc%2Fpasswd", UNKNOWN_SID + "x")) {
            HttpResponse<String> answer = get("/calls/" + bad);
            assertEquals(400, answer.statusCode(), bad + ": " + answer.body());
        }
        assertEquals(404, get("/callsx").statusCode());
        assertEquals(400, get("/calls/next?timeout=601").statusCode());
        assertEquals(400, get("/calls/next?timeout=soon").statusCode());
        // Seconds are plain decimals, as everywhere: Double.parseDouble's other spellings are refused.
        for (String timeout : List.of("1e1", "0x1p3", "NaN", "Infinity", "10d")) {
            HttpResponse<String> refused = get("/calls/next?timeout=" + timeout);
            assertEquals(400, refused.statusCode(), timeout);
            assertTrue(refused.body().contains("timeout must be a number of seconds from 0 to 600"), refused.body());
        }
    }

    @Test
    void liveCalls_areListed_andTheirRecordIsServedSoFar_thenWhole() throws Exception {
        assertEquals(0, json(get("/calls")).path("calls").size());
        try (FakeTwilioCall call = server.call()) {
            server.session(call.callSid());
            call.sendDtmf("9");
            Await.until("the key in the record", Duration.ofSeconds(10),
                    () -> json(get("/calls")).path("calls").path(0).path("turns").asInt() == 1);
            JsonNode live = json(get("/calls")).path("calls").get(0);
            assertEquals(call.callSid(), live.path("call_sid").asText());
            assertEquals(call.streamSid(), live.path("stream_sid").asText());
            assertEquals("+15005550001", live.path("from").asText());
            assertEquals("+15005550002", live.path("to").asText());
            assertEquals("listening", live.path("state").asText());
            assertFalse(live.path("generating").asBoolean(true), live.toString());
            assertTrue(live.path("age_s").asLong() >= 0, live.toString());
            CompletableFuture<HttpResponse<String>> driver = server.generateLater(
                    Map.of("sid", call.callSid(), "first", "true", "timeout", "60"));
            Await.until("a driver listed as generating", Duration.ofSeconds(10),
                    () -> json(get("/calls")).path("calls").path(0).path("generating").asBoolean());

            JsonNode soFar = json(get("/calls/" + call.callSid()));
            assertTrue(soFar.path("live").asBoolean(), soFar.toString());
            assertEquals("9", soFar.path("turns").get(0).path("digits").get(0).path("digit").asText());
            call.stop();
            Await.until("the call's end in its record", Duration.ofSeconds(10),
                    () -> !json(get("/calls/" + call.callSid())).path("live").asBoolean());
            JsonNode ended = json(get("/calls/" + call.callSid()));
            assertEquals("hung up", ended.path("end").path("reason").asText());
            assertEquals(0, json(get("/calls")).path("calls").size());
        }
    }

    @Test
    void next_handsEachCallToOneOfTwoWaitingDrivers() throws Exception {
        CompletableFuture<HttpResponse<String>> first = getLater("/calls/next?timeout=60");
        CompletableFuture<HttpResponse<String>> second = getLater("/calls/next?timeout=60");
        Await.until("two drivers waiting", Duration.ofSeconds(10), () -> server.directory().driversWaiting() == 2);
        try (FakeTwilioCall one = server.call()) {
            HttpResponse<String> answered = (HttpResponse<String>) CompletableFuture.anyOf(first, second).get(10, TimeUnit.SECONDS);
            JsonNode claimed = json(answered);
            assertEquals(one.callSid(), claimed.path("call_sid").asText());
            assertEquals(one.streamSid(), claimed.path("stream_sid").asText());
            assertEquals("+15005550001", claimed.path("from").asText());
            assertEquals("+15005550002", claimed.path("to").asText());
            assertEquals("inbound", claimed.path("parameters").path("Direction").asText());
            assertFalse(first.isDone() && second.isDone(), "one call, one driver");
            try (FakeTwilioCall two = server.call()) {
                CompletableFuture<HttpResponse<String>> other = first.isDone() && first.get() == answered ? second : first;
                JsonNode secondClaim = json(other.get(10, TimeUnit.SECONDS));
                assertEquals(two.callSid(), secondClaim.path("call_sid").asText());
                assertNotEquals(one.callSid(), two.callSid());
                assertEquals(204, get("/calls/next?timeout=0").statusCode(), "both calls are claimed");
            }
        }
    }

    @Test
    void next_withNoNewCall_is204() throws Exception {
        assertEquals(204, get("/calls/next?timeout=0.2").statusCode());
    }

    @Test
    void next_aDriverThatGoesAway_claimsNothing() throws Exception {
        Socket abandoned = new Socket(InetAddress.getLoopbackAddress(), server.port());
        OutputStream out = abandoned.getOutputStream();
        out.write(("GET /calls/next?timeout=600 HTTP/1.1\r\nHost: test\r\nX-API-KEY: " + TestCallbridge.API_KEY
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Await.until("the driver waiting", Duration.ofSeconds(10), () -> server.directory().driversWaiting() == 1);
        abandoned.close();
        Await.until("the driver's departure noticed", Duration.ofSeconds(10), () -> server.directory().driversWaiting() == 0);
        try (FakeTwilioCall call = server.call()) {
            server.session(call.callSid());
            JsonNode claimed = json(get("/calls/next?timeout=10"));
            assertEquals(call.callSid(), claimed.path("call_sid").asText(), "the call waited for the next driver");
        }
    }

    @Test
    void next_waitingDrivers_areAnsweredAtOnceByAShutdown_whichDoesNotWaitOutItsGrace() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> drivers = List.of(
                getLater("/calls/next?timeout=600"), getLater("/calls/next?timeout=600"));
        Await.until("two drivers waiting", Duration.ofSeconds(10), () -> server.directory().driversWaiting() == 2);
        Duration grace = Duration.ofSeconds(20);
        long began = System.nanoTime();
        server.app().shutdown(grace);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(took.compareTo(grace.dividedBy(4)) < 0, "the shutdown waited for the drivers: " + took.toMillis() + " ms");
        for (CompletableFuture<HttpResponse<String>> driver : drivers) {
            assertEquals(204, driver.get(10, TimeUnit.SECONDS).statusCode(), "no call is coming");
        }
    }

    @Test
    void next_aCallThatEndedUnclaimed_isNotHandedOut() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            server.session(call.callSid());
            call.stop();
            Await.until("the call ended", Duration.ofSeconds(10), () -> server.calls().live(call.callSid()).isEmpty());
        }
        assertEquals(204, get("/calls/next?timeout=0").statusCode());
        assertEquals(Set.of(), Set.copyOf(server.directory().live()));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return server.get(path, TestCallbridge.API_KEY);
    }

    private CompletableFuture<HttpResponse<String>> getLater(String path) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return get(path);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }
}
