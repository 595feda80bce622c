package callbridge.speech;

import callbridge.audio.MuLaw;
import callbridge.config.Config;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.SpeechClips;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The speech-to-text client against the ElevenLabs stand-in over real HTTP on loopback: what goes on the
 * wire (key, multipart fields, the WAV), what comes back, and how each kind of failure reads. Timeouts
 * and backoff are shortened through the package-private constructors so failures take milliseconds.
 */
class ElevenLabsSpeechToTextTest {
    private static final Duration TIMEOUT = StandInApi.TIMEOUT;
    /** Every wait in a test is bounded by this, so a hang fails instead of stalling the suite. */
    private static final Duration TEST_LIMIT = Duration.ofSeconds(10);

    /** What the stand-in hears: set per test, read by the transcriber. */
    private final AtomicReference<String> transcript = new AtomicReference<>("hola");
    private FakeElevenLabs fake;

    @BeforeEach
    void start() throws Exception {
        fake = FakeElevenLabs.start(pcm -> transcript.get(), text -> new byte[0]);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void transcribe_sendsKeyModelLanguageAndTheTurnAsWav_andReturnsTheText() throws Exception {
        byte[] mulaw = SpeechClips.load(SpeechClips.SI_GRACIAS);

        String text = transcribe(client(), mulaw);

        assertEquals("hola", text);
        assertEquals(List.of(), fake.problems()); // the stand-in checks xi-api-key, the fields and the WAV
        FakeElevenLabs.SttRequest request = single(fake.sttRequests());
        assertEquals("scribe_v1", request.model());
        assertEquals("es", request.language());
        assertEquals("turn.wav", request.fileName());
        assertEquals("audio/wav", request.fileContentType());
        assertArrayEquals(MuLaw.decode(mulaw), request.pcm());
    }

    @Test
    void transcribe_modelAndLanguage_comeFromTheSettings() throws Exception {
        ElevenLabsSpeechToText client = new ElevenLabsSpeechToText(StandInApi.api(StandInApi.settings(fake, Map.of())), "scribe_v2", "gl");

        transcribe(client, new byte[160]);

        FakeElevenLabs.SttRequest request = single(fake.sttRequests());
        assertEquals("scribe_v2", request.model());
        assertEquals("gl", request.language());
    }

    /** Read with the JDK's own WAV reader and by hand, so the check does not lean on {@code Wav} itself. */
    @Test
    void transcribe_wav_is16BitPcm8kHzMono_withEverySampleDecodedFromTheMuLaw() throws Exception {
        byte[] mulaw = new byte[256 * 3];
        for (int i = 0; i < mulaw.length; i++) {
            mulaw[i] = (byte) i; // every mu-law code, three times
        }

        transcribe(client(), mulaw);

        byte[] wav = single(fake.sttRequests()).wav();
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat format = in.getFormat();
            assertEquals(AudioFormat.Encoding.PCM_SIGNED, format.getEncoding());
            assertEquals(8_000f, format.getSampleRate());
            assertEquals(16, format.getSampleSizeInBits());
            assertEquals(1, format.getChannels());
            assertEquals(false, format.isBigEndian());
            assertEquals(mulaw.length, in.getFrameLength());
        }
        ByteBuffer le = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", ascii(wav, 0));
        assertEquals(wav.length - 8, le.getInt(4));
        assertEquals("WAVE", ascii(wav, 8));
        assertEquals("data", ascii(wav, 36));
        assertEquals(mulaw.length * 2, le.getInt(40));
        assertEquals(44 + mulaw.length * 2, wav.length);
        short[] expected = MuLaw.decode(mulaw);
        for (int i = 0; i < mulaw.length; i++) {
            assertEquals(expected[i], le.getShort(44 + 2 * i), "sample " + i);
        }
    }

    @Test
    void transcribe_textWithSpaceAround_isStripped() throws Exception {
        transcript.set("  Sí, perfecto.\n ");
        assertEquals("Sí, perfecto.", transcribe(client(), new byte[160]));
    }

    @Test
    void transcribe_noWords_isAnEmptyText() throws Exception {
        transcript.set("");
        assertEquals("", transcribe(client(), new byte[160]));
    }

    @Test
    void transcribe_keyRejected_401_namesTheVariable_andIsNotRetried() {
        ElevenLabsSpeechToText client = new ElevenLabsSpeechToText(
                StandInApi.api(StandInApi.settings(fake, Map.of("ELEVENLABS_API_KEY", "wrong-key"))), "scribe_v1", "es");

        SpeechException e = assertFails(client);

        assertContains(e, "HTTP 401", "ELEVENLABS_API_KEY", "Invalid API key");
        assertEquals(SpeechException.Kind.HTTP_4XX, e.kind());
        assertEquals(1, fake.sttAttempts());
    }

    @Test
    void transcribe_422_carriesElevenLabsMessage_andIsNotRetried() {
        fake.scriptSpeechToText(new FakeElevenLabs.Fail(422, "Audio file is too short"));

        SpeechException e = assertFails(client());

        assertContains(e, "speech-to-text", "HTTP 422", "Audio file is too short");
        assertEquals(SpeechException.Kind.HTTP_4XX, e.kind());
        assertEquals(1, fake.sttAttempts());
    }

    @Test
    void transcribe_429ThenOk_succeedsOnTheSecondTry() throws Exception {
        fake.scriptSpeechToText(new FakeElevenLabs.Fail(429, "too_many_concurrent_requests"));

        assertEquals("hola", transcribe(client(), new byte[160]));

        assertEquals(2, fake.sttAttempts());
        assertEquals(1, fake.sttRequests().size());
    }

    @Test
    void transcribe_429WithRetryAfter_waitsWhatElevenLabsAsked_thenSucceeds() throws Exception {
        fake.scriptSpeechToText(new FakeElevenLabs.Fail(429, "system_busy", "3"));
        List<Duration> pauses = new CopyOnWriteArrayList<>();

        assertEquals("hola", transcribe(new ElevenLabsSpeechToText(
                StandInApi.api(StandInApi.settings(fake, Map.of()), pauses::add), "scribe_v1", "es"), new byte[160]));

        assertEquals(List.of(Duration.ofSeconds(3)), pauses, "the wait asked is the Retry-After, not the 500 ms back-off");
        assertEquals(2, fake.sttAttempts());
    }

    @Test
    void transcribe_429AskingForMoreThanTheWaitBound_failsAtOnce() {
        fake.scriptSpeechToText(new FakeElevenLabs.Fail(429, "system_busy", "3600"));
        List<Duration> pauses = new CopyOnWriteArrayList<>();

        SpeechException e = assertFails(new ElevenLabsSpeechToText(
                StandInApi.api(StandInApi.settings(fake, Map.of()), pauses::add), "scribe_v1", "es"));

        assertContains(e, "HTTP 429", "system_busy");
        assertEquals(List.of(), pauses, "an hour's wait is not worth holding a turn for");
        assertEquals(1, fake.sttAttempts());
    }

    @Test
    void transcribe_500ThreeTimes_failsAfterExactlyThreeAttempts_withGrowingPauses() {
        FakeElevenLabs.Fail fail = new FakeElevenLabs.Fail(500, "internal error");
        fake.scriptSpeechToText(fail, fail, fail, fail);
        long started = System.nanoTime();

        SpeechException e = assertFails(client());

        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertContains(e, "HTTP 500", "internal error");
        assertEquals(SpeechException.Kind.HTTP_5XX, e.kind());
        assertEquals(3, fake.sttAttempts());
        assertTrue(elapsedMillis >= 20 + 40, "pauses of 20 then 40 ms between tries, took " + elapsedMillis + " ms");
    }

    @Test
    void transcribe_429EveryTime_saysTooManyRequests() {
        FakeElevenLabs.Fail fail = new FakeElevenLabs.Fail(429, "rate limited");
        fake.scriptSpeechToText(fail, fail, fail);

        SpeechException e = assertFails(client());

        assertContains(e, "HTTP 429", "too many requests", "rate limited");
        assertEquals(SpeechException.Kind.RATE_LIMITED, e.kind());
        assertEquals(3, fake.sttAttempts());
    }

    @Test
    void transcribe_slowerThanTheTimeout_failsNamingIt_withoutWaitingForTheAnswer() {
        fake.scriptSpeechToText(new FakeElevenLabs.Slow(Duration.ofSeconds(5)));
        long started = System.nanoTime();

        SpeechException e = assertFails(client());

        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertContains(e, "speech-to-text", "no answer within 700 ms");
        assertEquals(SpeechException.Kind.TIMEOUT, e.kind());
        assertTrue(elapsedMillis >= 650 && elapsedMillis < 2_500,
                "gave up after the 700 ms timeout, not the stand-in's 5 s: took " + elapsedMillis + " ms");
        assertEquals(1, fake.sttAttempts()); // a timeout is not retried: the turn would be late anyway
    }

    @Test
    void transcribe_noApiKey_failsNamingTheVariable_withoutSendingAnything() {
        Map<String, String> environment = new HashMap<>(Map.of("ELEVENLABS_BASE_URL", fake.baseUrl().toString()));
        ElevenLabsSpeechToText client = new ElevenLabsSpeechToText(
                StandInApi.api(Config.fromSources(environment, Map.of()).elevenLabs()), "scribe_v1", "es");

        SpeechException e = assertFails(client);

        assertContains(e, "ELEVENLABS_API_KEY");
        assertEquals(SpeechException.Kind.OTHER, e.kind());
        assertEquals(0, fake.sttAttempts());
    }

    @Test
    void transcribe_answerWithoutText_fails() {
        fake.scriptSpeechToText(new FakeElevenLabs.Answer("{\"language_code\":\"es\",\"words\":[]}"));
        assertContains(assertFails(client()), "no text field");
    }

    @Test
    void transcribe_answerWithTextNotAString_fails() {
        fake.scriptSpeechToText(new FakeElevenLabs.Answer("{\"text\":null}"));
        assertContains(assertFails(client()), "no text field");
    }

    @Test
    void transcribe_answerNotJson_failsSayingItIsUnreadable() {
        fake.scriptSpeechToText(new FakeElevenLabs.Answer("<html>gateway</html>"));
        SpeechException e = assertFails(client());
        assertContains(e, "unreadable answer");
        assertEquals(SpeechException.Kind.OTHER, e.kind());
    }

    @Test
    void transcribe_nobodyListening_isTriedThreeTimes_thenSaysItCannotConnect() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String baseUrl = "http://127.0.0.1:" + closedPort;
        ElevenLabsSpeechToText client = new ElevenLabsSpeechToText(
                StandInApi.api(StandInApi.settings(fake, Map.of("ELEVENLABS_BASE_URL", baseUrl))), "scribe_v1", "es");

        SpeechException e = assertFails(client);
        assertContains(e, "cannot connect to " + baseUrl);
        assertEquals(SpeechException.Kind.CONNECTION, e.kind());
    }

    private ElevenLabsSpeechToText client() {
        return new ElevenLabsSpeechToText(StandInApi.api(StandInApi.settings(fake, Map.of())), "scribe_v1", "es");
    }

    private static String transcribe(ElevenLabsSpeechToText client, byte[] mulaw) {
        return assertTimeoutPreemptively(TEST_LIMIT, () -> client.transcribe(mulaw));
    }

    private static SpeechException assertFails(ElevenLabsSpeechToText client) {
        return assertTimeoutPreemptively(TEST_LIMIT,
                () -> assertThrows(SpeechException.class, () -> client.transcribe(new byte[160])));
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

    private static String ascii(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, StandardCharsets.US_ASCII);
    }
}
