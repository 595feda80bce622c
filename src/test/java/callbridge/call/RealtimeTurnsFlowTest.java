package callbridge.call;

import callbridge.testing.Await;
import callbridge.testing.FakeRealtimeStt;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.PrometheusScrape;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Realtime speech-to-text and the smart end of turn, end to end over real sockets: a call's audio goes to
 * the realtime stand-in (which speaks ElevenLabs' protocol and refuses what it refuses) as it arrives, a
 * finished sentence ends its turn after the short pause instead of the whole window, the turn's text is
 * the commit's, and when the realtime service is not there every turn still comes, by batch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealtimeTurnsFlowTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeRealtimeStt realtime = started();
    private TestCallbridge server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        realtime.close();
    }

    @Test
    void finishedSentence_endsAfterTheShortPause_andItsTextComesFromTheCommit() throws Exception {
        // Partials as the real service gives them: the words so far, once there are any.
        realtime.transcriber(FakeRealtimeStt.clipRecognizer()).partials(audio -> {
            String heard = FakeRealtimeStt.clipRecognizer().apply(audio);
            return heard.startsWith("(unknown") ? "" : heard;
        });
        server = TestCallbridge.start(Map.of("STT_MODE", "realtime", "STT_REALTIME_URL", realtime.url().toString(),
                "TURN_END", "smart"));
        try (FakeTwilioCall call = server.call()) {
            String sid = call.callSid();
            server.session(sid);
            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "first", "true",
                    "timeout", "20"));
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            call.silence(Duration.ofMillis(1_500)); // past the 400 ms pause, well short of the 2.8 s window
            JsonNode answer = JSON.readTree(reply.get(WAIT.toSeconds(), TimeUnit.SECONDS).body());
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), answer.path("response").asText(), answer.toString());
            JsonNode utterance = answer.path("utterance");
            assertEquals("finished_words", utterance.path("turn_end").asText(), answer.toString());
            assertEquals(400, utterance.path("turn_end_silence_ms").asLong(), answer.toString());
            assertEquals("realtime", utterance.path("transcribed_by").asText(), answer.toString());
        }
        assertEquals(List.of(), realtime.problems(), "the client sent only what the service takes");
        assertEquals(0, server.elevenLabs().sttRequests().size(), "no batch request: realtime gave the text");
        PrometheusScrape metrics = scrape();
        assertEquals(1, metrics.value("callbridge_turns_transcribed_total", "by", "realtime"));
        assertEquals(1, metrics.value("callbridge_turns_ended_total", "rule", "finished_words"));
    }

    @Test
    void realtimeServiceRefusing_everyTurnStillComes_byBatch_andTheFailureIsCounted() throws Exception {
        realtime.refuseUpgrades(503);
        server = TestCallbridge.start(Map.of("STT_MODE", "realtime", "STT_REALTIME_URL", realtime.url().toString(),
                "SILENCE_MS", "1000"));
        try (FakeTwilioCall call = server.call()) {
            String sid = call.callSid();
            server.session(sid);
            Await.until("the realtime session refused", WAIT,
                    () -> scrape().value("callbridge_stt_realtime_failures_total", "kind", "http_5xx") == 1);
            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "first", "true",
                    "timeout", "20"));
            call.speak(SpeechClips.load(SpeechClips.MANANA_NUEVE));
            call.silence(Duration.ofMillis(1_200));
            JsonNode answer = JSON.readTree(reply.get(WAIT.toSeconds(), TimeUnit.SECONDS).body());
            assertEquals(SpeechClips.textOf(SpeechClips.MANANA_NUEVE), answer.path("response").asText(), answer.toString());
            assertEquals("batch", answer.path("utterance").path("transcribed_by").asText(), answer.toString());
            assertEquals("silence", answer.path("utterance").path("turn_end").asText(), answer.toString());
        }
        assertEquals(1, server.elevenLabs().sttRequests().size());
    }

    private PrometheusScrape scrape() {
        return PrometheusScrape.parse(callbridge.metrics.PrometheusText.render(server.metrics()));
    }

    private static FakeRealtimeStt started() {
        try {
            return new FakeRealtimeStt();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
