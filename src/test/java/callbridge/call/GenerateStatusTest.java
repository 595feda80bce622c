package callbridge.call;

import callbridge.json.Json;
import callbridge.server.GenerateHandler;
import callbridge.testing.Await;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every status code GET /generate can answer, each provoked for real. */
class GenerateStatusTest {
    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void wrongOrMissingKey_403() throws Exception {
        assertEquals(403, server.generate(Map.of("sid", "CA1", "timeout", "0"), "wrong-key").statusCode());
        assertEquals(403, server.generate(Map.of("sid", "CA1", "timeout", "0"), null).statusCode());
        assertEquals(403, server.generate(Map.of("sid", "CA1", "timeout", "0"), TestCallbridge.API_KEY + "x").statusCode());
    }

    @Test
    void noApiKeyConfigured_503SayingSo() throws Exception {
        try (TestCallbridge keyless = TestCallbridge.start(Map.of("API_KEY", ""))) {
            HttpResponse<String> response = keyless.generate(Map.of("sid", "CA1"));
            assertEquals(503, response.statusCode());
            assertTrue(response.body().contains("API_KEY"), response.body());
        }
    }

    @Test
    void badParameter_400NamingIt() throws Exception {
        HttpResponse<String> response = server.generate(Map.of("sid", FakeTwilioCall.newCallSid(), "timeout", "soon"));
        assertEquals(400, response.statusCode());
        assertTrue(Json.MAPPER.readTree(response.body()).path("error").asText().startsWith("timeout"), response.body());
        assertEquals(400, server.generate(Map.of("first", "true")).statusCode(), "sid missing");
        assertEquals(400, server.generate(Map.of("sid", "CA1")).statusCode(), "no call can have that sid");
        assertEquals(400, server.generate(Map.of("sid", FakeTwilioCall.newCallSid(), "timeout", "1e1")).statusCode(),
                "seconds are plain decimals, never an exponent");
    }

    @Test
    void post_405() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/generate?sid=CA1"))
                .header("X-API-KEY", TestCallbridge.API_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
    }

    @Test
    void nothingSaidInTime_204_andUnknownCall_204() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            long started = System.nanoTime();
            HttpResponse<String> response = server.generate(Map.of("sid", call.callSid(), "first", "true", "timeout", "1"));
            assertEquals(204, response.statusCode());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 900, "waited for the timeout");
        }
        assertEquals(204, server.generate(Map.of("sid", FakeTwilioCall.newCallSid(), "timeout", "0.3")).statusCode());
    }

    @Test
    void the204_saysWhetherTheCallIsLive_orNeverAppeared() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            HttpResponse<String> silent = server.generate(Map.of("sid", call.callSid(), "timeout", "0"));
            assertEquals(204, silent.statusCode());
            assertEquals(Optional.of(GenerateHandler.CALL_LIVE), silent.headers().firstValue(GenerateHandler.CALL_HEADER));
        }
        // Behind a load balancer, most often a request routed to another instance than the call's.
        HttpResponse<String> unknown = server.generate(Map.of("sid", FakeTwilioCall.newCallSid(), "timeout", "0.2"));
        assertEquals(204, unknown.statusCode(), "the prototype's drivers loop on 204");
        assertEquals(Optional.of(GenerateHandler.CALL_UNKNOWN), unknown.headers().firstValue(GenerateHandler.CALL_HEADER));
    }

    @Test
    void unknownCall_withInput_404SayingTheTextWasNotSpoken() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        HttpResponse<String> response = server.generate(Map.of("sid", sid, "input", "Hola", "timeout", "0.2"));
        assertEquals(404, response.statusCode());
        JsonNode answer = Json.MAPPER.readTree(response.body());
        assertEquals("no call " + sid + " here within 0.2 s: the text was not spoken", answer.path("error").asText());
        assertEquals(sid, answer.path("call_sid").asText());
        assertEquals(0, server.elevenLabs().ttsRequests().size(), "no speech was made for it");
    }

    @Test
    void secondConcurrentGenerate_409() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> generate(
                    Map.of("sid", call.callSid(), "first", "true", "timeout", "3")));
            awaitHeld(call.callSid());
            assertEquals(409, server.generate(Map.of("sid", call.callSid(), "timeout", "1")).statusCode());
            assertEquals(204, waiting.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(204, server.generate(Map.of("sid", call.callSid(), "timeout", "0.2")).statusCode(),
                    "the call is free again");
        }
    }

    @Test
    void textToSpeechFails_502WithTheReason_andTheCallGoesOn() throws Exception {
        server.elevenLabs().scriptTextToSpeech(new FakeElevenLabs.Fail(422, "voice_id does not exist"));
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            HttpResponse<String> failed = server.generate(Map.of("sid", call.callSid(), "input", "Hola", "timeout", "1"));
            assertEquals(502, failed.statusCode());
            assertTrue(failed.body().contains("voice_id does not exist"), failed.body());
            assertFalse(server.session(call.callSid()).hasEnded());

            call.echoMarksAfterPlayback(true);
            HttpResponse<String> retried = server.generate(Map.of("sid", call.callSid(), "input", "Hola", "timeout", "1"));
            assertEquals(204, retried.statusCode(), "spoken this time; nothing said back");
            assertFalse(call.receivedAudio().isEmpty(), "audio reached the call");
        }
    }

    @Test
    void callEndsWhileWaiting_200WithTheReason() throws Exception {
        FakeTwilioCall call = server.call();
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> generate(
                Map.of("sid", call.callSid(), "first", "true", "timeout", "20")));
        awaitHeld(call.callSid());
        call.close();
        HttpResponse<String> response = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        JsonNode answer = Json.MAPPER.readTree(response.body());
        assertEquals("call_ended", answer.path("kind").asText());
        assertEquals("Conversation ended by Twilio", answer.path("response").asText());
        assertEquals("hung up", answer.path("reason").asText());
        assertEquals("call hung up", answer.path("detail").asText());
    }

    @Test
    void transcriptionFailed_200WithKindAndError() throws Exception {
        server.elevenLabs().scriptSpeechToText(new FakeElevenLabs.Fail(401, "invalid api key"));
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> generate(
                    Map.of("sid", call.callSid(), "first", "true", "timeout", "20")));
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            JsonNode answer = Json.MAPPER.readTree(waiting.get(20, TimeUnit.SECONDS).body());
            assertEquals("transcription_failed", answer.path("kind").asText());
            assertTrue(answer.path("error").asText().contains("ELEVENLABS_API_KEY"), answer.toString());
        }
    }

    private HttpResponse<String> generate(Map<String, String> query) {
        try {
            return server.generate(query);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until a /generate holds the call (watched: a probe that claimed it, even for an instant, could turn it away). */
    private void awaitHeld(String callSid) throws Exception {
        CallSession session = server.session(callSid);
        Await.until("a /generate holds " + callSid, Duration.ofSeconds(10), session::turnHeld);
    }
}
