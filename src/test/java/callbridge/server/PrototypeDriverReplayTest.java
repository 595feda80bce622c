package callbridge.server;

import callbridge.call.CallSession;
import callbridge.config.Config;
import callbridge.json.Json;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Python prototype's driver, replayed byte for byte: its requests exactly as Python {@code requests}
 * (a {@code Session}, so one kept-alive connection) writes them, against a loopback call whose far end
 * speaks real speech. The driver knows nothing of callbridge: it stops on any status but 200 and 204,
 * and knows the call is over only when {@code response} is exactly "Conversation ended by Twilio".
 */
class PrototypeDriverReplayTest {
    /** Long enough for a whole turn: our speech played, the far end's clip, the silence that ends it. */
    private static final Duration TURN = Duration.ofSeconds(30);
    private static final String ENDED = "Conversation ended by Twilio";

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void greetingTwoTurnsAndAHangUp_asThePrototypesDriverSendsThem() throws Exception {
        try (FakeTwilioCall call = server.call(); RawHttp driver = RawHttp.connect(server.port()).readTimeout(TURN)) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();
            CallSession session = server.session(sid);

            // The first turn: first=True with an empty input, as the driver always sends it.
            driver.send(sentByRequests("client=simulator&sid=" + sid + "&first=True&timeout=120.0&input=&talk_timeout=80"));
            call.speak(SpeechClips.load(SpeechClips.RESERVAR_MESA));
            assertEquals(SpeechClips.textOf(SpeechClips.RESERVAR_MESA), answer(driver).path("response").asText());

            // Two turns; requests encodes a space as "+" and everything but letters, digits and "_.-~" as %XX.
            driver.send(sentByRequests("client=simulator&sid=" + sid + "&first=False&timeout=120.0"
                    + "&input=Perfecto.+%C2%BFPara+qu%C3%A9+d%C3%ADa+y+hora%3F&talk_timeout=80"));
            replyOncePlayed(call, session, SpeechClips.MANANA_NUEVE);
            assertEquals(SpeechClips.textOf(SpeechClips.MANANA_NUEVE), answer(driver).path("response").asText());

            driver.send(sentByRequests("client=simulator&sid=" + sid + "&first=False&timeout=120.0"
                    + "&input=Reservado%3A+ma%C3%B1ana+a+las+nueve.+%C2%BFAlgo+m%C3%A1s%3F&talk_timeout=80"));
            replyOncePlayed(call, session, SpeechClips.SI_GRACIAS);
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), answer(driver).path("response").asText());

            // The far end hangs up; the driver, not knowing yet, says goodbye and learns the call is over.
            call.stop();
            call.closed().get(TURN.toSeconds(), TimeUnit.SECONDS);
            driver.send(sentByRequests("client=simulator&sid=" + sid + "&first=False&timeout=120.0"
                    + "&input=Gracias+a+usted%2C+%C2%A1hasta+ma%C3%B1ana%21&talk_timeout=80"));
            JsonNode last = answer(driver);
            assertEquals(ENDED, last.path("response").asText(), last.toString());
            assertEquals("call_ended", last.path("kind").asText());
            assertEquals("hung up", last.path("reason").asText());
        }
        assertSpokenAsThePrototypeDid(List.of("Perfecto. ¿Para qué día y hora?", "Reservado: mañana a las nueve. ¿Algo más?"));
    }

    /** What the TTS stand-in was asked: the decoded texts ("+" is a space), in the prototype's voice. */
    private void assertSpokenAsThePrototypeDid(List<String> texts) throws IOException {
        FakeElevenLabs elevenLabs = server.elevenLabs();
        assertEquals(List.of(), elevenLabs.problems());
        assertEquals(texts, elevenLabs.ttsRequests().stream().map(request -> request.body().path("text").asText()).toList());
        JsonNode prototypeSettings = Json.MAPPER.readTree("""
                {"stability": 0.0, "similarity_boost": 1.0, "style": 1.0, "use_speaker_boost": true, "speed": 1.0}""");
        for (FakeElevenLabs.TtsRequest request : elevenLabs.ttsRequests()) {
            assertEquals(Config.PROTOTYPE_VOICE_ID, request.voiceId());
            assertEquals(prototypeSettings, request.body().path("voice_settings"));
        }
    }

    /**
     * What {@code requests.Session().get(url, params={...}, headers={"x-api-key": key})} writes (requests
     * 2.x; captured from it): its default headers in its order, then ours, the name as given, lower case.
     */
    private String sentByRequests(String query) {
        return "GET /generate?" + query + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + server.port() + "\r\n"
                + "User-Agent: python-requests/2.31.0\r\n"
                + "Accept-Encoding: gzip, deflate\r\n"
                + "Accept: */*\r\n"
                + "Connection: keep-alive\r\n"
                + "x-api-key: " + TestCallbridge.API_KEY + "\r\n"
                + "\r\n";
    }

    /** The next answer on the driver's connection, which must be a 200 with JSON and stay open. */
    private static JsonNode answer(RawHttp driver) throws IOException {
        RawHttp.Response response = driver.readFinalResponse();
        assertEquals(200, response.status(), response.toString());
        assertEquals("application/json", response.header("Content-Type").orElse(""), response.toString());
        return Json.MAPPER.readTree(response.bodyText());
    }

    /** The far end hears our speech to its end (Twilio echoes our mark then), and answers. */
    private static void replyOncePlayed(FakeTwilioCall call, CallSession session, String clip) throws InterruptedException {
        CompletableFuture<String> played = new CompletableFuture<>();
        call.onMarkPlayed(played::complete);
        String mark = call.awaitMessage(FakeTwilioCall.isEvent("mark"), TURN).path("mark").path("name").asText();
        try {
            // the fake echoes the mark once our audio has played
            if (!played.get(TURN.toMillis(), TimeUnit.MILLISECONDS).equals(mark)) {
                throw new AssertionError("Twilio echoed another mark than " + mark);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Twilio never echoed " + mark, e);
        }
        call.speak(SpeechClips.load(clip));
    }
}
