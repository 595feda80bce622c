package callbridge.call;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static callbridge.testing.SpeechClips.HORARIO_APERTURA;
import static callbridge.testing.SpeechClips.MANANA_NUEVE;
import static callbridge.testing.SpeechClips.RESERVAR_MESA;
import static callbridge.testing.SpeechClips.SI_GRACIAS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /generate} with its input cued: {@code interrupt_after_ms} (cut into the far end's speech),
 * {@code reply_at} (not before a time) and {@code answer=played}, on loopback with a fake Twilio call
 * streaming real speech at real-time pace. Every time asserted is one the server wrote in its answers.
 */
@Execution(ExecutionMode.CONCURRENT)
class CuedSpeechTest {
    /** Turns end after 1 s of silence: the clips have no pause that long. */
    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("SILENCE_MS", "1000"));

    @Test
    void interruptAfter_speaksIntoTheFarEndsSpeech_thenAnswersWithWhatCameAfter() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            String line = "Perdone, una pregunta."; // 22 characters: 880 ms of the stand-in's voice, inside the 3.2 s clip
            CompletableFuture<HttpResponse<String>> cutIn = server.generateLater(Map.of("sid", call.callSid(), "input", line,
                    "interrupt_after_ms", "800", "timeout", "30"));

            call.speak(SpeechClips.load(RESERVAR_MESA));
            call.silence(Duration.ofMillis(1500));
            call.speak(SpeechClips.load(MANANA_NUEVE));

            JsonNode answer = ok(cutIn.get(30, TimeUnit.SECONDS));
            assertEquals(SpeechClips.textOf(MANANA_NUEVE), answer.path("response").asText(), answer.toString());
            assertEquals("played", answer.path("playback").path("outcome").asText(), answer.toString());
            JsonNode interrupted = answer.path("heard_before").path(0);
            assertEquals(SpeechClips.textOf(RESERVAR_MESA), interrupted.path("text").asText(), answer.toString());

            Instant onset = instant(answer.path("cut_in"), "far_end_speech_started_at");
            Instant ours = instant(answer.path("playback"), "started_at");
            assertEquals(instant(interrupted, "speech_started_at"), onset, "the onset cut into is the interrupted utterance's start");
            assertEquals(Duration.between(onset, ours).toMillis(), answer.path("cut_in").path("into_speech_ms").asLong());
            assertTrue(Duration.between(onset, ours).toMillis() >= 800, answer.toString());
            assertTrue(ours.isBefore(instant(interrupted, "speech_ended_at")), "we spoke while the far end still did: " + answer);
        }
    }

    @Test
    void interruptAfter_noFarEndSpeech_is204_andNothingIsSaid() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            HttpResponse<String> response = server.generate(Map.of("sid", call.callSid(), "input", "¿Hola?",
                    "interrupt_after_ms", "100", "timeout", "1"));
            assertEquals(204, response.statusCode(), response.body());
            assertEquals(List.of(), server.elevenLabs().ttsRequests(), "no speech was made for a cut-in that never came");
        }
    }

    @Test
    void interruptAfter_aTurnWhoseSpeechEndsBeforeTheCue_isNotCutInto() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            CompletableFuture<HttpResponse<String>> cutIn = server.generateLater(Map.of("sid", call.callSid(), "input", "Perdone.",
                    "interrupt_after_ms", "2500", "timeout", "30"));
            call.speak(SpeechClips.load(HORARIO_APERTURA)); // 1.7 s: its turn lasts past 2.5 s, in silence
            call.silence(Duration.ofMillis(1500));
            call.speak(SpeechClips.load(RESERVAR_MESA)); // 3.2 s: cut into at 2.5 s
            call.silence(Duration.ofMillis(1500));
            call.speak(SpeechClips.load(SI_GRACIAS));

            JsonNode answer = ok(cutIn.get(30, TimeUnit.SECONDS));
            Instant onset = instant(answer.path("cut_in"), "far_end_speech_started_at");
            List<String> before = answer.path("heard_before").findValuesAsText("text");
            assertEquals(List.of(SpeechClips.textOf(HORARIO_APERTURA), SpeechClips.textOf(RESERVAR_MESA)), before, answer.toString());
            assertEquals(instant(answer.path("heard_before").path(1), "speech_started_at"), onset, answer.toString());
            assertEquals(SpeechClips.textOf(SI_GRACIAS), answer.path("response").asText());
        }
    }

    @Test
    void replyAt_holdsOurSpeechUntilThen_andAnswerPlayed_returnsOnceItHasPlayed() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();
            CompletableFuture<HttpResponse<String>> first = server.generateLater(Map.of("sid", sid, "first", "true"));
            call.speak(SpeechClips.load(HORARIO_APERTURA));
            Instant stopped = instant(ok(first.get(30, TimeUnit.SECONDS)).path("utterance"), "speech_ended_at");

            // The far end's turn ends after 1 s of silence: 2.5 s after its speech, the server still has to wait.
            Instant replyAt = stopped.plus(Duration.ofMillis(2500));
            JsonNode played = ok(server.generate(Map.of("sid", sid, "input", "Vale.", "reply_at", replyAt.toString(),
                    "answer", "played")));
            assertEquals("played", played.path("kind").asText(), played.toString());
            assertEquals("", played.path("response").asText());
            assertEquals("played", played.path("playback").path("outcome").asText(), played.toString());
            assertFalse(instant(played.path("playback"), "started_at").isBefore(replyAt), played.toString());
            assertTrue(played.path("playback").path("ended_at").isTextual(), played.toString());
            assertEquals(0, played.path("heard_before").size());

            // What the far end says next is the next request's answer: nothing was taken from the queue.
            call.speak(SpeechClips.load(SI_GRACIAS));
            JsonNode next = ok(server.generate(Map.of("sid", sid)));
            assertEquals(SpeechClips.textOf(SI_GRACIAS), next.path("response").asText(), next.toString());
        }
    }

    @Test
    void replyAt_inThePast_speaksAtOnce() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            JsonNode played = ok(server.generate(Map.of("sid", call.callSid(), "input", "Hola.",
                    "reply_at", "2020-01-01T00:00:00Z", "answer", "played")));
            assertEquals("played", played.path("playback").path("outcome").asText(), played.toString());
        }
    }

    @Test
    void replyAt_theCallEndsWhileWaiting_answersAtOnceThatItEnded_andNothingIsSaid() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            // Far later than the test may last: only the call's end can answer this request in time.
            Instant replyAt = Instant.now().plus(Duration.ofMinutes(10));
            CompletableFuture<HttpResponse<String>> waiting = server.generateLater(Map.of("sid", call.callSid(),
                    "input", "Vale.", "reply_at", replyAt.toString(), "timeout", "600"));
            Await.until("the /generate waiting for its moment", Duration.ofSeconds(10),
                    () -> server.session(call.callSid()).turnHeld());
            call.stop();

            JsonNode answer = ok(waiting.get(10, TimeUnit.SECONDS));
            assertEquals("call_ended", answer.path("kind").asText(), answer.toString());
            assertEquals("hung up", answer.path("reason").asText(), answer.toString());
            assertEquals(List.of(), server.elevenLabs().ttsRequests(), "nothing was spoken into the ended call");
        }
    }

    private static Instant instant(JsonNode node, String field) {
        assertTrue(node.path(field).isTextual(), field + " in " + node);
        return Instant.parse(node.path(field).asText());
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }
}
