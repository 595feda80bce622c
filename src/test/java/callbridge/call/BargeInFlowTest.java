package callbridge.call;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Barge-in end to end, over real sockets with real speech and the real VAD: the far end talks over our
 * playback, Twilio is sent {@code clear}, and the waiting {@code /generate} answers with what it said and
 * what it heard of ours.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BargeInFlowTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 40 ms of the stand-in's voice a character: about 6 s of our speech, long enough to be talked over. */
    private static final String LONG_REPLY = "Tenemos mesa para dos personas mañana a las nueve, en la terraza o dentro, "
            + "como prefieran.";

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("BARGE_IN", "true", "SILENCE_MS", "1000"));

    @Test
    void farEndTalksOverOurSpeech_clearIsSent_andTheAnswerSaysItWasInterrupted() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();
            server.session(sid);
            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "input", LONG_REPLY,
                    "timeout", "20"));
            call.awaitMessage(FakeTwilioCall.isEvent("media"), WAIT); // our speech has begun
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            call.awaitMessage(FakeTwilioCall.isEvent("clear"), WAIT);
            call.silence(Duration.ofMillis(1_200));

            HttpResponse<String> answer = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode body = JSON.readTree(answer.body());
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), body.path("response").asText(), body.toString());
            JsonNode playback = body.path("playback");
            assertEquals("interrupted", playback.path("outcome").asText(), body.toString());
            long played = playback.path("played_ms").asLong();
            assertTrue(played > 0 && played < playback.path("audio_ms").asLong(), body.toString());
            String playedText = playback.path("played_text").asText();
            assertTrue(!playedText.isEmpty() && LONG_REPLY.startsWith(playedText), body.toString());
        }
    }

    @Test
    void farEndSilentWhileWeSpeak_ourSpeechPlaysWhole() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();
            server.session(sid);
            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "input", "Hola.",
                    "timeout", "10"));
            call.onMarkPlayed(mark -> {
                call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS)); // the far end answers once we are done
                call.silence(Duration.ofMillis(1_200));
            });
            HttpResponse<String> answer = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            JsonNode body = JSON.readTree(answer.body());
            assertEquals("played", body.path("playback").path("outcome").asText(), body.toString());
            assertTrue(call.messages().stream().noneMatch(FakeTwilioCall.isEvent("clear")));
        }
    }
}
