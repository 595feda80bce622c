package callbridge.speech;

import callbridge.config.Config;
import callbridge.config.VoiceSettings;
import callbridge.json.Json;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.TestCallbridge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming text-to-speech client against the ElevenLabs stand-in over real HTTP on loopback. The
 * stand-in speaks {@link TestCallbridge#voiceFor} (320 bytes a character) in chunks of
 * {@link FakeElevenLabs#TTS_CHUNK_BYTES} with 5 ms between them, so a long text takes a while to send
 * and a client that buffered the answer would be caught.
 */
class ElevenLabsTextToSpeechTest {
    private static final Duration TIMEOUT = StandInApi.TIMEOUT;
    private static final Duration TEST_LIMIT = Duration.ofSeconds(10);
    private static final String VOICE = "voice-under-test";
    /** 200 characters: 64,000 bytes of audio, 64 chunks, at least 315 ms of sending. */
    private static final String LONG_TEXT = "Buenas noches, le llamo del restaurante para confirmar su reserva. ".repeat(3).substring(0, 200);

    private FakeElevenLabs fake;

    @BeforeEach
    void start() throws Exception {
        fake = FakeElevenLabs.start(pcm -> "", TestCallbridge::voiceFor);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    /** A sink that keeps every chunk and when it came. */
    private static final class Recorder implements TextToSpeech.AudioSink {
        final List<byte[]> chunks = new ArrayList<>();
        final List<Long> arrivals = new ArrayList<>();

        @Override
        public void accept(byte[] mulaw) {
            arrivals.add(System.nanoTime());
            chunks.add(mulaw);
        }

        byte[] audio() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            chunks.forEach(all::writeBytes);
            return all.toByteArray();
        }
    }

    @Test
    void synthesize_asksForUlaw8000FromTheVoice_withTextModelLanguageAndVoiceSettings() throws Exception {
        Recorder sink = new Recorder();

        synthesize(client(), "¿A qué hora?", sink);

        assertEquals(List.of(), fake.problems()); // path, query, key and body shape are checked by the stand-in
        FakeElevenLabs.TtsRequest request = single(fake.ttsRequests());
        assertEquals(VOICE, request.voiceId());
        assertEquals("ulaw_8000", request.outputFormat());
        assertEquals("¿A qué hora?", request.body().get("text").asText());
        assertEquals("eleven_flash_v2_5", request.body().get("model_id").asText());
        assertEquals("es", request.body().get("language_code").asText());
        assertTrue(request.body().has("voice_settings"), request.body().toString());
        assertEquals(4, request.body().size(), request.body().toString());
        assertArrayEquals(TestCallbridge.voiceFor("¿A qué hora?"), sink.audio());
    }

    /**
     * Streamed, not buffered: the first chunk reaches the sink while the stand-in is still sending (it
     * records the request only once the last byte has gone), early in a transfer that lasts 300 ms or more.
     */
    @Test
    void synthesize_handsAudioOnAsItArrives_byteForByte() throws Exception {
        int[] requestsRecordedAtFirstChunk = {-1};
        Recorder recorder = new Recorder();
        TextToSpeech.AudioSink sink = chunk -> {
            if (recorder.chunks.isEmpty()) {
                requestsRecordedAtFirstChunk[0] = fake.ttsRequests().size();
            }
            recorder.accept(chunk);
        };

        synthesize(client(), LONG_TEXT, sink);
        long end = System.nanoTime();

        assertArrayEquals(TestCallbridge.voiceFor(LONG_TEXT), recorder.audio());
        assertTrue(recorder.chunks.size() > 1, "chunks: " + recorder.chunks.size());
        assertEquals(0, requestsRecordedAtFirstChunk[0], "the stand-in had finished sending before the first chunk");
        long firstByte = single(fake.ttsRequests()).firstByteNanos();
        long toFirstChunk = recorder.arrivals.getFirst() - firstByte;
        long toEnd = end - firstByte;
        assertTrue(toEnd >= Duration.ofMillis(300).toNanos(), "the transfer took " + toEnd / 1_000_000 + " ms");
        assertTrue(toFirstChunk < toEnd / 2, "first chunk " + toFirstChunk / 1_000_000 + " ms after the stand-in sent it,"
                + " the transfer ended after " + toEnd / 1_000_000 + " ms");
    }

    /** The timeout is the wait for the answer to begin: a long answer that keeps coming is not cut at 700 ms. */
    @Test
    void synthesize_answerStreamingLongerThanTheTimeout_isReadToTheEnd() throws Exception {
        String text = LONG_TEXT.repeat(3); // 192 chunks: at least 955 ms of sending
        Recorder sink = new Recorder();
        long started = System.nanoTime();

        synthesize(client(), text, sink);

        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(elapsedMillis > TIMEOUT.toMillis(), "took only " + elapsedMillis + " ms");
        assertArrayEquals(TestCallbridge.voiceFor(text), sink.audio());
    }

    /** Calls sound as they did with the prototype: its voice and its voice_settings, unless set otherwise. */
    @Test
    void synthesize_byDefault_usesThePrototypesVoiceAndVoiceSettings() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            synthesize(ElevenLabsTextToSpeech.create(http, StandInApi.settings(fake, Map.of())), "hola", new Recorder());
        }

        assertEquals(List.of(), fake.problems()); // the stand-in checks each setting's type and range
        FakeElevenLabs.TtsRequest request = single(fake.ttsRequests());
        assertEquals("5IDdqnXnlsZ1FCxoOFYg", request.voiceId());
        assertEquals(Json.MAPPER.readTree("""
                {"stability": 0.0, "similarity_boost": 1.0, "style": 1.0, "use_speaker_boost": true, "speed": 1.0}"""),
                request.body().get("voice_settings"));
    }

    @Test
    void synthesize_voiceSettingsFromTheEnvironment_areSent() throws Exception {
        Config.ElevenLabs settings = StandInApi.settings(fake, Map.of("TTS_VOICE_ID", "other-voice", "TTS_STABILITY", "0.5",
                "TTS_SIMILARITY_BOOST", "0.75", "TTS_STYLE", "0", "TTS_SPEAKER_BOOST", "false", "TTS_SPEED", "0.9"));

        try (HttpClient http = HttpClient.newHttpClient()) {
            synthesize(ElevenLabsTextToSpeech.create(http, settings), "hola", new Recorder());
        }

        assertEquals(List.of(), fake.problems());
        FakeElevenLabs.TtsRequest request = single(fake.ttsRequests());
        assertEquals("other-voice", request.voiceId());
        assertEquals(Json.MAPPER.readTree("""
                {"stability": 0.5, "similarity_boost": 0.75, "style": 0.0, "use_speaker_boost": false, "speed": 0.9}"""),
                request.body().get("voice_settings"));
    }

    @Test
    void synthesize_voiceIdWithReservedCharacters_isEscapedInThePath() throws Exception {
        TextToSpeech client = new ElevenLabsTextToSpeech(StandInApi.api(StandInApi.settings(fake, Map.of())), "a/b?c d+é", "eleven_flash_v2_5", "es", VoiceSettings.PROTOTYPE);

        synthesize(client, "hola", new Recorder());

        assertEquals(List.of(), fake.problems());
        assertEquals("a/b?c d+é", single(fake.ttsRequests()).voiceId());
    }

    @Test
    void synthesize_keyRejected_401_namesTheVariable() {
        TextToSpeech client = new ElevenLabsTextToSpeech(
                StandInApi.api(StandInApi.settings(fake, Map.of("ELEVENLABS_API_KEY", "wrong-key"))), VOICE, "eleven_flash_v2_5", "es", VoiceSettings.PROTOTYPE);
        Recorder sink = new Recorder();

        SpeechException e = assertFails(client, sink);

        assertContains(e, "text-to-speech", "HTTP 401", "ELEVENLABS_API_KEY", "Invalid API key");
        assertEquals(1, fake.ttsAttempts());
        assertEquals(0, sink.chunks.size());
    }

    @Test
    void synthesize_422_carriesElevenLabsMessage_andIsNotRetried() {
        fake.scriptTextToSpeech(new FakeElevenLabs.Fail(422, "voice_not_found"));

        SpeechException e = assertFails(client(), new Recorder());

        assertContains(e, "text-to-speech", "HTTP 422", "voice_not_found");
        assertEquals(1, fake.ttsAttempts());
    }

    @Test
    void synthesize_429ThenOk_succeedsOnTheSecondTry() throws Exception {
        fake.scriptTextToSpeech(new FakeElevenLabs.Fail(429, "too_many_concurrent_requests"));
        Recorder sink = new Recorder();

        synthesize(client(), "hola", sink);

        assertEquals(2, fake.ttsAttempts());
        assertArrayEquals(TestCallbridge.voiceFor("hola"), sink.audio());
    }

    @Test
    void synthesize_500ThreeTimes_failsAfterExactlyThreeAttempts() {
        FakeElevenLabs.Fail fail = new FakeElevenLabs.Fail(503, "service unavailable");
        fake.scriptTextToSpeech(fail, fail, fail, fail);

        SpeechException e = assertFails(client(), new Recorder());

        assertContains(e, "HTTP 503", "service unavailable");
        assertEquals(3, fake.ttsAttempts());
    }

    @Test
    void synthesize_slowerThanTheTimeout_failsNamingIt_withoutWaitingForTheAnswer() {
        fake.scriptTextToSpeech(new FakeElevenLabs.Slow(Duration.ofSeconds(5)));
        Recorder sink = new Recorder();
        long started = System.nanoTime();

        SpeechException e = assertFails(client(), sink);

        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertContains(e, "text-to-speech", "no answer within 700 ms");
        assertTrue(elapsedMillis >= 650 && elapsedMillis < 2_500,
                "gave up after the 700 ms timeout, not the stand-in's 5 s: took " + elapsedMillis + " ms");
        assertEquals(0, sink.chunks.size());
    }

    @Test
    void synthesize_noApiKey_failsNamingTheVariable_withoutSendingAnything() {
        Map<String, String> environment = Map.of("ELEVENLABS_BASE_URL", fake.baseUrl().toString());
        TextToSpeech client = new ElevenLabsTextToSpeech(StandInApi.api(Config.fromSources(environment, Map.of()).elevenLabs()),
                VOICE, "eleven_flash_v2_5", "es", VoiceSettings.PROTOTYPE);

        assertContains(assertFails(client, new Recorder()), "ELEVENLABS_API_KEY");
        assertEquals(0, fake.ttsAttempts());
    }

    @Test
    void synthesize_connectionCutMidStream_failsSayingItBrokeOff_afterHandingOnWhatCame() {
        fake.scriptTextToSpeech(new FakeElevenLabs.CutAfter(2_500));
        Recorder sink = new Recorder();

        SpeechException e = assertTimeoutPreemptively(TEST_LIMIT,
                () -> assertThrows(SpeechException.class, () -> client().synthesize(LONG_TEXT, sink)));

        assertContains(e, "text-to-speech", "broke off");
        assertEquals(SpeechException.Kind.CONNECTION, e.kind());
        assertArrayEquals(Arrays.copyOf(TestCallbridge.voiceFor(LONG_TEXT), 2_500), sink.audio());
        assertEquals(1, fake.ttsAttempts()); // audio already handed on cannot be taken back: no retry
    }

    /** Headers and some audio, then silence from the server: the read is abandoned, not left blocked forever. */
    @Test
    void synthesize_serverStallsMidStream_failsAfterTheTimeout_afterHandingOnWhatCame() {
        fake.scriptTextToSpeech(new FakeElevenLabs.StallAfter(2_000, Duration.ofSeconds(20)));
        Recorder sink = new Recorder();
        long started = System.nanoTime();

        SpeechException e = assertTimeoutPreemptively(TEST_LIMIT,
                () -> assertThrows(SpeechException.class, () -> client().synthesize(LONG_TEXT, sink)));

        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertContains(e, "text-to-speech", "no data for 700 ms");
        assertEquals(SpeechException.Kind.TIMEOUT, e.kind(), "a stall is a timeout, not a broken connection");
        assertTrue(elapsedMillis < 5_000, "gave up after " + elapsedMillis + " ms");
        assertArrayEquals(Arrays.copyOf(TestCallbridge.voiceFor(LONG_TEXT), 2_000), sink.audio());
    }

    /**
     * The call hung up: the sink's IOException ends the synthesis at once and reaches the caller as it is.
     * The stand-in, still sending when the client gave up, never gets to finish its answer.
     */
    @Test
    void synthesize_sinkThrows_stopsTheSynthesis_andItsExceptionPropagates() throws Exception {
        IOException hungUp = new IOException("media stream closed");
        int[] calls = {0};
        TextToSpeech.AudioSink sink = chunk -> {
            calls[0]++;
            throw hungUp;
        };

        IOException thrown = assertTimeoutPreemptively(TEST_LIMIT,
                () -> assertThrows(IOException.class, () -> client().synthesize(LONG_TEXT.repeat(3), sink)));

        assertSame(hungUp, thrown);
        assertEquals(1, calls[0]);
        // The stand-in's write fails once the client has closed the exchange; had the client drained the
        // answer instead, the stand-in would have sent it all and recorded the request.
        assertEquals(FakeElevenLabs.TtsEnd.CLIENT_GONE, fake.nextTtsEnd(TEST_LIMIT),
                "the stand-in sent all its audio: the exchange was not cancelled");
        assertEquals(List.of(), fake.ttsRequests(), "the stand-in sent all its audio: the exchange was not cancelled");
    }

    private TextToSpeech client() {
        return new ElevenLabsTextToSpeech(StandInApi.api(StandInApi.settings(fake, Map.of())), VOICE, "eleven_flash_v2_5", "es", VoiceSettings.PROTOTYPE);
    }

    private static void synthesize(TextToSpeech client, String text, TextToSpeech.AudioSink sink) {
        assertTimeoutPreemptively(TEST_LIMIT, () -> client.synthesize(text, sink));
    }

    private static SpeechException assertFails(TextToSpeech client, TextToSpeech.AudioSink sink) {
        return assertTimeoutPreemptively(TEST_LIMIT,
                () -> assertThrows(SpeechException.class, () -> client.synthesize("hola", sink)));
    }

    private static void assertContains(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    private static <T> T single(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.getFirst();
    }
}
