package callbridge.call;

import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static callbridge.testing.FakeTwilioCall.isEvent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our speech as Twilio receives it, through the real server: {@code GET /generate?input=...} makes the
 * server synthesize with the ElevenLabs stand-in and forward the audio on the fake Twilio media stream.
 * Each utterance must arrive as {@code media} messages of whole 160-byte frames (a message may hold
 * several; only the very last frame is padded, with mu-law silence) followed by exactly one numbered
 * mark; a synthesis that fails after some audio went out is cleared.
 */
class PlaybackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int FRAME = 160;
    /** "bytes:N" makes the stand-in speak exactly N bytes, so tests choose lengths around frame and chunk sizes. */
    private static final Pattern SIZED = Pattern.compile("bytes:(\\d+)");

    private TestCallbridge server;
    private FakeTwilioCall call;

    @BeforeEach
    void start() throws Exception {
        server = TestCallbridge.start(Map.of(), PlaybackTest::voice);
        call = server.call();
        server.session(call.callSid());
    }

    @AfterEach
    void stop() {
        if (call != null) {
            call.close();
        }
        server.close();
    }

    /**
     * One call, one utterance per length: lengths around the 160-byte frame and the stand-in's 1,000-byte
     * chunks, so the server has to carry partial frames across chunks and pad only the very last one.
     */
    @Test
    void speech_isSentAsWholeFrames_lastPaddedWithSilence_thenOneNumberedMark() throws Exception {
        int[] lengths = {1, 159, 160, 161, 999, 1_000, 1_001, 1_040, 4_093, 8_000};
        int seen = 0;
        for (int i = 0; i < lengths.length; i++) {
            int length = lengths[i];
            String expectedMark = Playback.MARK_PREFIX + (i + 1);

            CompletableFuture<HttpResponse<String>> answer = generate("bytes:" + length);
            JsonNode mark = call.awaitMessage(isEvent("mark"), WAIT);
            assertEquals(expectedMark, mark.path("mark").path("name").asText(), "utterance " + (i + 1));
            assertEquals(call.streamSid(), mark.path("streamSid").asText());
            call.echoMark(expectedMark);
            assertEquals(204, answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()); // timeout=0: no reply awaited

            List<JsonNode> messages = call.messages();
            List<JsonNode> utterance = messages.subList(seen, messages.size());
            seen = messages.size();
            int frames = (length + FRAME - 1) / FRAME;
            assertMediaThen("mark", utterance);
            byte[] audio = audioOf(utterance);
            byte[] expected = Arrays.copyOf(pattern(length), frames * FRAME);
            Arrays.fill(expected, length, expected.length, (byte) 0xFF);
            assertArrayEquals(expected, audio, length + " bytes: the audio, then 0xFF to a whole frame");
        }
        assertEquals(List.of(), server.elevenLabs().problems());
    }

    /** Twilio takes {"event":"media","streamSid":...,"media":{"payload":base64}} and nothing more. */
    @Test
    void speech_mediaMessages_haveTwiliosShape() throws Exception {
        CompletableFuture<HttpResponse<String>> answer = generate("bytes:2500");
        String mark = call.awaitMessage(isEvent("mark"), WAIT).path("mark").path("name").asText();
        call.echoMark(mark);
        assertEquals(204, answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());

        List<JsonNode> media = call.messages().stream().filter(isEvent("media")).toList();
        assertFalse(media.isEmpty());
        for (JsonNode message : media) {
            assertEquals(List.of("event", "streamSid", "media"), fieldNames(message), message.toString());
            assertEquals(call.streamSid(), message.path("streamSid").asText(), message.toString());
            assertEquals(List.of("payload"), fieldNames(message.path("media")), message.toString());
        }
    }

    /** The stand-in drops the connection after 2,500 of 8,000 bytes: 15 whole frames went out, 100 bytes waited. */
    @Test
    void ttsCutMidStream_afterSomeAudio_sendsClear_answers502_andTheCallGoesOn() throws Exception {
        server.elevenLabs().scriptTextToSpeech(new FakeElevenLabs.CutAfter(2_500));

        HttpResponse<String> failed = generate("bytes:8000").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(502, failed.statusCode(), failed.body());
        assertTrue(failed.body().contains("broke off"), failed.body());
        call.awaitMessage(isEvent("clear"), WAIT);
        List<JsonNode> beforeClear = call.messages();
        assertMediaThen("clear", beforeClear);
        assertArrayEquals(Arrays.copyOf(pattern(8_000), 15 * FRAME), audioOf(beforeClear));
        assertEquals(call.streamSid(), beforeClear.getLast().path("streamSid").asText());

        assertCallGoesOn(beforeClear.size());
    }

    @Test
    void ttsFailsBeforeAnyAudio_sendsNoClear_answers502_andTheCallGoesOn() throws Exception {
        server.elevenLabs().scriptTextToSpeech(new FakeElevenLabs.Fail(422, "voice_not_found"));

        HttpResponse<String> failed = generate("bytes:8000").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(502, failed.statusCode(), failed.body());
        assertTrue(failed.body().contains("voice_not_found"), failed.body());
        assertCallGoesOn(0); // and, since the next speech's messages come first, no clear was sent
    }

    /** The session is alive, the stream open, and the next speech plays normally with its own mark. */
    private void assertCallGoesOn(int messagesBefore) throws Exception {
        assertFalse(server.session(call.callSid()).hasEnded(), "the session ended");
        assertFalse(call.closed().isDone(), "the media stream closed");

        CompletableFuture<HttpResponse<String>> answer = generate("bytes:320");
        JsonNode mark = call.awaitMessage(isEvent("mark"), WAIT);
        assertTrue(mark.path("mark").path("name").asText().startsWith(Playback.MARK_PREFIX), mark.toString());
        call.echoMark(mark.path("mark").path("name").asText());
        assertEquals(204, answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
        List<JsonNode> messages = call.messages();
        List<JsonNode> next = messages.subList(messagesBefore, messages.size());
        assertMediaThen("mark", next);
        assertArrayEquals(pattern(320), audioOf(next));
    }

    /** {@code GET /generate} speaking {@code input}, then waiting for no reply (timeout=0), on its own thread. */
    private CompletableFuture<HttpResponse<String>> generate(String input) {
        CompletableFuture<HttpResponse<String>> answer = new CompletableFuture<>();
        Thread.ofVirtual().name("generate " + input).start(() -> {
            try {
                answer.complete(server.generate(Map.of("sid", call.callSid(), "input", input, "timeout", "0")));
            } catch (Exception e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** What the TTS stand-in says: exactly N bytes for "bytes:N", else the usual test voice. */
    private static byte[] voice(String text) {
        Matcher sized = SIZED.matcher(text);
        return sized.matches() ? pattern(Integer.parseInt(sized.group(1))) : TestCallbridge.voiceFor(text);
    }

    /** Bytes 0 to 254 over and over: never 0xFF, so padding cannot pass for audio. */
    private static byte[] pattern(int length) {
        byte[] audio = new byte[length];
        for (int i = 0; i < length; i++) {
            audio[i] = (byte) (i % 255);
        }
        return audio;
    }

    /** The media payloads joined, each checked to be whole frames (Twilio would take any length). */
    private static byte[] audioOf(List<JsonNode> messages) {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (JsonNode message : messages) {
            if (isEvent("media").test(message)) {
                byte[] payload = Base64.getDecoder().decode(message.path("media").path("payload").asText());
                assertTrue(payload.length > 0 && payload.length % FRAME == 0,
                        "a media message of " + payload.length + " bytes, not whole 160-byte frames");
                audio.writeBytes(payload);
            }
        }
        return audio.toByteArray();
    }

    /** One or more media messages, then exactly one {@code last} event, and nothing else. */
    private static void assertMediaThen(String last, List<JsonNode> messages) {
        List<String> events = messages.stream().map(message -> message.path("event").asText("?")).toList();
        String summary = String.valueOf(events);
        assertTrue(events.size() >= 2, summary);
        assertEquals(last, events.getLast(), summary);
        assertEquals(List.of("media"), events.subList(0, events.size() - 1).stream().distinct().toList(), summary);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
