package callbridge.call;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole conversations through GET /generate, as a driver runs them: the far end (a fake Twilio call
 * streaming real speech, with silence between sentences as a real call has, and echoing our marks once
 * it has "played" our audio) speaks, the driver hears it, answers with text, and hears the reply.
 */
class ConversationTest {
    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void threeTurnConversation_onTwentyConcurrentCalls() throws Exception {
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                List<String> clips = List.of(SpeechClips.ALL.get(i % 4), SpeechClips.ALL.get((i + 1) % 4), SpeechClips.ALL.get((i + 2) % 4));
                results.add(calls.submit(() -> {
                    converse(clips);
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(120, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), server.elevenLabs().problems());
        assertEquals(40, server.elevenLabs().ttsRequests().size());
    }

    private void converse(List<String> clips) throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();

            CompletableFuture<HttpResponse<String>> first = server.generateLater(Map.of("sid", sid, "first", "true", "timeout", "30"));
            call.speak(SpeechClips.load(clips.get(0)));
            JsonNode answer = ok(first.get(30, TimeUnit.SECONDS));
            assertEquals(SpeechClips.textOf(clips.get(0)), answer.path("response").asText(), sid);
            assertEquals("utterance", answer.path("kind").asText());
            assertEquals(1, answer.path("utterance").path("number").asInt());

            for (int turn = 1; turn < clips.size(); turn++) {
                String ours = "Entendido, turno " + turn + " de la conversación.";
                CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "input", ours, "timeout", "30"));
                replyOncePlayed(call, clips.get(turn));
                answer = ok(reply.get(40, TimeUnit.SECONDS));
                assertEquals(SpeechClips.textOf(clips.get(turn)), answer.path("response").asText(), sid + " turn " + turn);
                assertEquals("played", answer.path("playback").path("outcome").asText(), answer.toString());
                assertEquals("endOfPlayback-" + turn, answer.path("playback").path("mark").asText());
                assertEquals(TestCallbridge.voiceFor(ours).length / 8, answer.path("playback").path("audio_ms").asLong());
                assertTrue(answer.path("response_latency_ms").asLong() >= 0, answer.toString());
                assertEquals(0, answer.path("heard_before").size());
            }
        }
    }

    @Test
    void speechBetweenTwoGenerates_isReturnedAsHeardBefore_notLost() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();
            CompletableFuture<HttpResponse<String>> first = server.generateLater(Map.of("sid", sid, "first", "true"));
            call.speak(SpeechClips.load(SpeechClips.RESERVAR_MESA));
            assertEquals(SpeechClips.textOf(SpeechClips.RESERVAR_MESA), ok(first.get(30, TimeUnit.SECONDS)).path("response").asText());

            // Nobody is asking while the far end says this:
            call.speak(SpeechClips.load(SpeechClips.MANANA_NUEVE));
            server.awaitHeard(sid, 2); // the first, collected, and this one

            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "input", "¿Algo más?"));
            replyOncePlayed(call, SpeechClips.SI_GRACIAS);
            JsonNode answer = ok(reply.get(40, TimeUnit.SECONDS));
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), answer.path("response").asText());
            assertEquals(1, answer.path("heard_before").size(), answer.toString());
            assertEquals(SpeechClips.textOf(SpeechClips.MANANA_NUEVE), answer.path("heard_before").get(0).path("text").asText());
        }
    }

    @Test
    void generateBeforeTheCallExists_waitsForIt() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        CompletableFuture<HttpResponse<String>> early = server.generateLater(Map.of("sid", sid, "first", "true", "timeout", "30"));
        // The simulator asks before Twilio has even called the webhook: the call starts once the ask waits for it.
        Await.until("the /generate waiting for its call", Duration.ofSeconds(10), () -> server.calls().waitingForCalls() == 1);
        try (FakeTwilioCall call = server.call(sid)) {
            call.silenceWhenIdle(true);
            call.speak(SpeechClips.load(SpeechClips.HORARIO_APERTURA));
            JsonNode answer = ok(early.get(30, TimeUnit.SECONDS));
            assertEquals(SpeechClips.textOf(SpeechClips.HORARIO_APERTURA), answer.path("response").asText());
            assertEquals(sid, answer.path("call_sid").asText());
        }
    }

    /**
     * The far end waits for our mark, lets our latest audio play out (the fake echoes the mark when it
     * has), then says its line.
     */
    private static void replyOncePlayed(FakeTwilioCall call, String clip) {
        String mark = call.awaitMessage(FakeTwilioCall.isEvent("mark"), Duration.ofSeconds(20)).path("mark").path("name").asText();
        call.awaitMarkPlayed(mark, Duration.ofSeconds(20));
        call.speak(SpeechClips.load(clip));
    }



    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }
}
