package callbridge.server;

import callbridge.json.Json;
import callbridge.metrics.PrometheusText;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.PrometheusScrape;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} from a real server: a scrape that the strict reader of the text format accepts, whose
 * figures follow a call through a turn, a spoken reply and another turn to its hang-up; and the
 * {@code METRICS_KEY} bearer check.
 */
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Longer than the 2.8 s silence window, so each clip is its own turn. */
    private static final Duration PAUSE = Duration.ofMillis(3_300);
    private static final String KEY = "metrics-key-for-tests";

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void scrape_followsACallThroughTwoTurnsAndAReply() throws Exception {
        PrometheusScrape before = scrape(server, Optional.empty());
        everyFamilyIsNamedAndDocumented(before);
        assertEquals(0, before.value("callbridge_turns_detected_total"));

        FakeTwilioCall call = server.call();
        call.echoMarksAfterPlayback(true);
        String sid = call.callSid();
        CompletableFuture<HttpResponse<String>> first = server.generateLater(Map.of("sid", sid, "first", "true", "timeout", "30"));
        call.speak(SpeechClips.load(SpeechClips.RESERVAR_MESA));
        call.silence(PAUSE);
        assertEquals(SpeechClips.textOf(SpeechClips.RESERVAR_MESA), ok(first).path("response").asText());

        CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "input", "¿Para cuántos?", "timeout", "30"));
        call.awaitMessage(FakeTwilioCall.isEvent("mark"), Duration.ofSeconds(20)); // our speech is out
        call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
        call.silence(PAUSE);
        assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), ok(reply).path("response").asText());

        PrometheusScrape during = scrape(server, Optional.empty());
        assertEquals(1, during.value("callbridge_live_calls"));
        assertEquals(1, during.value("callbridge_open_websockets"));
        assertTrue(during.value("callbridge_open_connections") >= 2, "the stream and this scrape, at least");

        call.sendText("this is not JSON");
        call.stop();
        server.twilioRest().awaitUpdates(1, Duration.ofSeconds(10));
        Await.until("the call gone from the live calls and its WebSocket closed", Duration.ofSeconds(10),
                () -> server.calls().size() == 0 && scrape(server, Optional.empty()).value("callbridge_open_websockets") == 0);
        PrometheusScrape after = scrape(server, Optional.empty());
        everyFamilyIsNamedAndDocumented(after);

        long framesIn = call.streamedSoFar().dividedBy(FakeTwilioCall.FRAME);
        long mediaOut = call.messages().stream().filter(FakeTwilioCall.isEvent("media")).count();
        assertTrue(mediaOut > 0);
        assertEquals(framesIn, after.value("callbridge_media_messages_received_total"));
        assertEquals(framesIn, after.histogram("callbridge_inbound_frame_seconds").count(), "one VAD decision per frame");
        assertEquals(mediaOut, after.value("callbridge_media_messages_sent_total"));
        assertEquals(1, after.value("callbridge_media_malformed_messages_total"));
        assertEquals(2, after.value("callbridge_turns_detected_total"));
        assertEquals(2, after.histogram("callbridge_stt_request_seconds").count());
        assertEquals(2, after.histogram("callbridge_turn_end_to_stt_seconds").count());
        assertEquals(2, after.histogram("callbridge_turn_detected_to_stt_seconds").count());
        assertEquals(1, after.histogram("callbridge_tts_first_audio_seconds").count());
        assertEquals(1, after.histogram("callbridge_tts_request_seconds").count());
        assertEquals(1, after.histogram("callbridge_tts_first_audio_to_media_seconds").count());
        for (String kind : new String[]{"timeout", "connection", "rate_limited", "http_4xx", "http_5xx", "other"}) {
            assertEquals(0, after.value("callbridge_stt_failures_total", "kind", kind), kind);
            assertEquals(0, after.value("callbridge_tts_failures_total", "kind", kind), kind);
        }
        assertEquals(1, after.value("callbridge_calls_ended_total", "reason", "hung_up"));
        assertEquals(0, after.value("callbridge_calls_ended_total", "reason", "talk_timeout"));
        assertEquals(0, after.value("callbridge_live_calls"));
        assertTrue(after.value("callbridge_jvm_heap_used_bytes") > 0);
        assertTrue(after.value("callbridge_jvm_heap_committed_bytes") >= after.value("callbridge_jvm_heap_used_bytes"));
        assertTrue(after.value("callbridge_jvm_threads_live") > 0);
        // The server's own work per frame is microseconds; even on a busy machine its median is under 10 ms.
        assertTrue(after.histogram("callbridge_inbound_frame_seconds").quantile(0.5) < 0.01,
                after.histogram("callbridge_inbound_frame_seconds").toString());
        call.close();
    }

    @Test
    void scrape_countsWhoWaits_driversForNewCalls_andGeneratesForCallsNotHere() throws Exception {
        PrometheusScrape idle = scrape(server, Optional.empty());
        assertEquals(0, idle.value("callbridge_drivers_waiting"));
        assertEquals(0, idle.value("callbridge_generate_waiting_for_call"));
        CompletableFuture<HttpResponse<String>> driver = CompletableFuture.supplyAsync(() -> {
            try {
                return server.get("/calls/next?timeout=60", TestCallbridge.API_KEY);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<HttpResponse<String>> early = server.generateLater(
                Map.of("sid", FakeTwilioCall.newCallSid(), "first", "true", "timeout", "60"));
        Await.until("a driver and a /generate waiting, on /metrics", Duration.ofSeconds(10), () -> {
            PrometheusScrape waiting = scrape(server, Optional.empty());
            return waiting.value("callbridge_drivers_waiting") == 1 && waiting.value("callbridge_generate_waiting_for_call") == 1;
        });
        server.app().shutdown(Duration.ofSeconds(10)); // which lets both go at once
        assertEquals(204, driver.get(10, TimeUnit.SECONDS).statusCode());
        early.get(10, TimeUnit.SECONDS);
    }

    @Test
    void metricsKey_unset_scrapeIsOpen() throws Exception {
        HttpResponse<String> open = get(server, Optional.empty());
        assertEquals(200, open.statusCode(), open.body());
        assertEquals(PrometheusText.CONTENT_TYPE, open.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void metricsKey_set_needsItAsABearerToken() throws Exception {
        try (TestCallbridge keyed = TestCallbridge.start(Map.of("METRICS_KEY", KEY))) {
            HttpResponse<String> none = get(keyed, Optional.empty());
            assertEquals(401, none.statusCode(), none.body());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), none.headers().toString());
            assertTrue(none.body().contains("Authorization: Bearer"), none.body());
            assertEquals(401, get(keyed, Optional.of("Basic " + KEY)).statusCode(), "another scheme");
            assertEquals(401, get(keyed, Optional.of("Bearer ")).statusCode(), "no token");
            HttpResponse<String> wrong = get(keyed, Optional.of("Bearer " + KEY + "x"));
            assertEquals(403, wrong.statusCode(), wrong.body());
            assertEquals(403, get(keyed, Optional.of("Bearer " + KEY.substring(1))).statusCode(), "a shorter key");
            HttpResponse<String> right = get(keyed, Optional.of("Bearer " + KEY));
            assertEquals(200, right.statusCode(), right.body());
            assertEquals(PrometheusText.CONTENT_TYPE, right.headers().firstValue("Content-Type").orElse(""));
            PrometheusScrape.parse(right.body());
            assertEquals(200, get(keyed, Optional.of("bearer " + KEY)).statusCode(), "the scheme in any case (RFC 9110 11.1)");
        }
    }

    @Test
    void metrics_otherMethodsAndPathsBelowIt_areRefused() throws Exception {
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri(server, "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> below = HTTP.send(HttpRequest.newBuilder(uri(server, "/metrics/extra")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, below.statusCode());
    }

    /** The server's own conventions, on top of the format's: callbridge_ names, help, counters in _total. */
    private static void everyFamilyIsNamedAndDocumented(PrometheusScrape scrape) {
        assertEquals(java.util.Set.of(
                "callbridge_live_calls", "callbridge_draining", "callbridge_calls_needing_instance",
                "callbridge_generate_waiting_for_call", "callbridge_drivers_waiting",
                "callbridge_calls_ended_total", "callbridge_turns_detected_total",
                "callbridge_turns_ended_total", "callbridge_turns_transcribed_total", "callbridge_stt_realtime_failures_total",
                "callbridge_barge_ins_total",
                "callbridge_media_messages_received_total", "callbridge_media_messages_sent_total",
                "callbridge_media_malformed_messages_total", "callbridge_inbound_frame_seconds",
                "callbridge_turn_end_to_stt_seconds", "callbridge_turn_detected_to_stt_seconds", "callbridge_stt_request_seconds", "callbridge_stt_failures_total",
                "callbridge_tts_first_audio_seconds", "callbridge_tts_request_seconds", "callbridge_tts_failures_total",
                "callbridge_tts_first_audio_to_media_seconds", "callbridge_open_connections", "callbridge_open_websockets",
                "callbridge_jvm_heap_used_bytes", "callbridge_jvm_heap_committed_bytes", "callbridge_jvm_threads_live"),
                scrape.families().keySet(), "the metrics README.md lists");
        scrape.families().values().forEach(family -> {
            assertTrue(family.name().startsWith("callbridge_"), family.name());
            assertNotNull(family.help(), family.name() + " has no HELP");
            assertTrue(!family.type().equals("untyped"), family.name() + " has no TYPE");
            assertTrue(!family.type().equals("counter") || family.name().endsWith("_total"), family.name());
            assertTrue(!family.type().equals("histogram") || family.name().endsWith("_seconds"), family.name());
        });
    }

    private static PrometheusScrape scrape(TestCallbridge target, Optional<String> authorization) throws Exception {
        HttpResponse<String> response = get(target, authorization);
        assertEquals(200, response.statusCode(), response.body());
        return PrometheusScrape.parse(response.body());
    }

    private static HttpResponse<String> get(TestCallbridge target, Optional<String> authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target, "/metrics")).timeout(Duration.ofSeconds(10));
        authorization.ifPresent(value -> request.header("Authorization", value));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(TestCallbridge target, String path) {
        return URI.create("http://127.0.0.1:" + target.port() + path);
    }


    private static JsonNode ok(CompletableFuture<HttpResponse<String>> pending) throws Exception {
        HttpResponse<String> response = pending.get(40, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }
}
