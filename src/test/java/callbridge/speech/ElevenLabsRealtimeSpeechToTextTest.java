package callbridge.speech;

import callbridge.config.Secret;
import callbridge.speech.ElevenLabsRealtimeSpeechToText.Limits;
import callbridge.testing.Await;
import callbridge.testing.FakeRealtimeStt;
import callbridge.testing.SpeechClips;
import callbridge.websocket.CloseCodes;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The realtime client against a stand-in that speaks the service's protocol message by message. */
@Timeout(30)
class ElevenLabsRealtimeSpeechToTextTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int FRAME = 160; // Twilio's 20 ms of mu-law

    @AutoClose
    private final FakeRealtimeStt fake = new FakeRealtimeStt();
    @AutoClose
    private final HttpClient http = HttpClient.newHttpClient();

    ElevenLabsRealtimeSpeechToTextTest() throws IOException {
    }

    @Test
    void session_sendsTheDocumentedUrlHeaderAndMessages() throws Exception {
        Recorder heard = new Recorder();
        try (var session = client(fake.url(), FakeRealtimeStt.API_KEY, "scribe_v2_realtime", Optional.of("es"))
                .open("CA1", heard)) {
            byte[] audio = frames(12);
            for (int i = 0; i < 12; i++) {
                assertTrue(session.sendAudio(Arrays.copyOfRange(audio, i * FRAME, (i + 1) * FRAME)));
            }
            assertTrue(session.commit());
            heard.await("the committed text", r -> r.committed.size() == 1);

            FakeRealtimeStt.Upgrade upgrade = fake.upgrades().getFirst();
            assertEquals("/v1/speech-to-text/realtime", upgrade.path());
            assertEquals(Map.of("model_id", List.of("scribe_v2_realtime"), "audio_format", List.of("ulaw_8000"),
                    "commit_strategy", List.of("manual"), "language_code", List.of("es")), upgrade.query());
            assertEquals(Optional.of(FakeRealtimeStt.API_KEY), upgrade.apiKey());
            // 240 ms: two 100 ms chunks, then the commit carrying the last 40 ms.
            List<FakeRealtimeStt.Received> sent = fake.received();
            assertEquals(List.of(800, 800, 320), sent.stream().map(m -> audioOf(m.json()).length).toList());
            assertEquals(List.of(false, false, true), sent.stream().map(m -> m.json().get("commit").asBoolean()).toList());
            assertEquals(ScribeRealtimeMessages.audioChunk(Arrays.copyOf(audio, 800)), sent.getFirst().text());
            assertEquals(ScribeRealtimeMessages.commit(Arrays.copyOfRange(audio, 1600, 1920)), sent.getLast().text());
            assertEquals(List.of("heard 1920 bytes"), heard.committed());
            assertEquals(List.of("hearing 800 bytes", "hearing 1600 bytes"), heard.partials());
        }
        assertEquals(CloseCodes.NORMAL, fake.awaitClosed(0, WAIT).code());
        assertEquals(List.of(), fake.problems());
        heard.assertCalmAndNotFailed();
    }

    @Test
    void session_withoutALanguage_letsTheServiceDetectIt() throws Exception {
        Recorder heard = new Recorder();
        try (var session = client(fake.url(), FakeRealtimeStt.API_KEY, "scribe_v2_realtime", Optional.empty())
                .open("CA1", heard)) {
            session.commit();
            heard.await("the committed text", r -> r.committed.size() == 1);
        }
        assertFalse(fake.upgrades().getFirst().query().containsKey("language_code"));
        assertEquals(ScribeRealtimeMessages.commit(new byte[0]), fake.received().getFirst().text());
        assertEquals(List.of(), fake.problems());
    }

    @Test
    void committedTexts_arriveInOrder_oneASegment() throws Exception {
        fake.transcriber(FakeRealtimeStt.clipRecognizer());
        Recorder heard = new Recorder();
        try (var session = client().open("CA1", heard)) {
            for (int turn = 0; turn < SpeechClips.ALL.size(); turn++) {
                byte[] audio = SpeechClips.load(SpeechClips.ALL.get(turn));
                for (int at = 0; at < audio.length; at += FRAME) {
                    assertTrue(session.sendAudio(Arrays.copyOfRange(audio, at, Math.min(audio.length, at + FRAME))));
                }
                assertTrue(session.commit());
                int turns = turn + 1; // a turn's audio is given as it is spoken: within the queue's bound
                heard.await("turn " + turns, r -> r.committed.size() == turns);
            }
        }
        assertEquals(SpeechClips.ALL.stream().map(SpeechClips::textOf).toList(), heard.committed());
        assertEquals(1, fake.sessions());
        assertEquals(List.of(), fake.problems());
        heard.assertCalmAndNotFailed();
    }

    @Test
    void audio_beforeTheSessionStarted_waitsAndIsSentInOrder() throws Exception {
        Recorder heard = new Recorder();
        byte[] audio = frames(50);
        try (var session = client().open("CA1", heard)) {
            // All of it is given at once, before the connection can be open: none is lost or reordered.
            for (int i = 0; i < 50; i++) {
                session.sendAudio(Arrays.copyOfRange(audio, i * FRAME, (i + 1) * FRAME));
            }
            session.commit();
            heard.await("the committed text", r -> r.committed.size() == 1);
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        fake.received().forEach(m -> got.writeBytes(audioOf(m.json())));
        assertTrue(Arrays.equals(audio, got.toByteArray()));
        assertEquals(11, fake.messages()); // 10 chunks of 100 ms and an empty commit
        assertEquals(List.of("heard 8000 bytes"), heard.committed());
    }

    @Test
    void close_endsWithNormalClosure_andNothingIsHeardAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        fake.transcriber(audio -> {
            try {
                release.await(); // the commit's answer is held until the client has closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "too late";
        });
        Recorder heard = new Recorder();
        var session = client().open("CA1", heard);
        session.sendAudio(frames(5));
        session.commit();
        fake.awaitReceived("the commit", WAIT, m -> m.size() == 2);
        session.close();
        assertFalse(session.sendAudio(frames(1)));
        assertFalse(session.commit());
        release.countDown();
        assertEquals(CloseCodes.NORMAL, fake.awaitClosed(0, WAIT).code());
        assertEquals(List.of(), heard.committed());
        heard.assertCalmAndNotFailed();
        session.close(); // idempotent
    }

    @Test
    void sessionUrl_hasEveryQueryParameter_andIsRefusedWhenNotWebSocket() {
        assertEquals(URI.create("wss://api.elevenlabs.io/v1/speech-to-text/realtime?model_id=scribe_v2_realtime"
                        + "&audio_format=ulaw_8000&commit_strategy=manual&language_code=es"),
                ElevenLabsRealtimeSpeechToText.sessionUri(URI.create("wss://api.elevenlabs.io/"), "scribe_v2_realtime",
                        Optional.of("es")));
        assertThrows(IllegalArgumentException.class,
                () -> client(URI.create("https://api.elevenlabs.io"), "k", "scribe_v2_realtime", Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource({
            "401, HTTP_4XX",
            "403, HTTP_4XX",
            "429, RATE_LIMITED",
            "500, HTTP_5XX",
            "503, HTTP_5XX"})
    void refusedUpgrade_failsOnceWithTheStatusKind(int status, SpeechException.Kind kind) throws Exception {
        fake.refuseUpgrades(status);
        Recorder heard = new Recorder();
        client().open("CA1", heard);
        Failure failure = heard.awaitFailure();
        assertEquals(kind, failure.kind());
        assertTrue(failure.detail().contains("HTTP " + status), failure.detail());
    }

    @Test
    void wrongKey_isTheServicesAuthError() throws Exception {
        Recorder heard = new Recorder();
        client(fake.url(), "not-the-key", "scribe_v2_realtime", Optional.of("es")).open("CA1", heard);
        Failure failure = heard.awaitFailure();
        assertEquals(SpeechException.Kind.HTTP_4XX, failure.kind());
        assertTrue(failure.detail().startsWith("auth_error: "), failure.detail());
        fake.awaitClosed(0, WAIT);
        heard.assertOneFailure();
    }

    @Test
    void unknownModel_isTheServicesInvalidRequest() throws Exception {
        Recorder heard = new Recorder();
        client(fake.url(), FakeRealtimeStt.API_KEY, "scribe_v9", Optional.of("es")).open("CA1", heard);
        Failure failure = heard.awaitFailure();
        assertEquals(SpeechException.Kind.HTTP_4XX, failure.kind());
        assertTrue(failure.detail().startsWith("invalid_request: "), failure.detail());
        fake.awaitClosed(0, WAIT);
        heard.assertOneFailure();
    }

    @Test
    void noKey_failsAtOnceSayingSo() throws Exception {
        Recorder heard = new Recorder();
        var session = new ElevenLabsRealtimeSpeechToText(http, fake.url(), Optional.empty(), "scribe_v2_realtime",
                Optional.of("es")).open("CA1", heard);
        assertEquals(new Failure(SpeechException.Kind.OTHER, "no API key: set ELEVENLABS_API_KEY"), heard.awaitFailure());
        assertFalse(session.sendAudio(frames(1)));
        assertEquals(0, fake.sessions());
    }

    @ParameterizedTest
    @CsvSource({
            "rate_limited, RATE_LIMITED",
            "quota_exceeded, HTTP_4XX",
            "commit_throttled, RATE_LIMITED",
            "input_error, HTTP_4XX",
            "transcriber_error, HTTP_5XX",
            "session_time_limit_exceeded, HTTP_4XX",
            "chunk_size_exceeded, HTTP_4XX",
            "insufficient_audio_activity, HTTP_4XX",
            "resource_exhausted, RATE_LIMITED",
            "queue_overflow, RATE_LIMITED",
            "unaccepted_terms, HTTP_4XX",
            "error, HTTP_5XX"})
    void serviceError_midSession_failsOnceWithItsText(String type, SpeechException.Kind kind) throws Exception {
        fake.playAtNextChunk(new FakeRealtimeStt.Error(type, "the service's words"));
        Failure failure = failAfterAChunk();
        assertEquals(new Failure(kind, type + ": the service's words"), failure);
    }

    @Test
    void closeMidSession_failsWithConnection() throws Exception {
        fake.playAtNextChunk(new FakeRealtimeStt.Close(CloseCodes.INTERNAL_ERROR, "going"));
        Failure failure = failAfterAChunk();
        assertEquals(SpeechException.Kind.CONNECTION, failure.kind());
        assertTrue(failure.detail().contains("1011"), failure.detail());
    }

    @Test
    void garbage_failsAsUnreadable() throws Exception {
        fake.playAtNextChunk(new FakeRealtimeStt.Garbage("<html>oops</html>"));
        Failure failure = failAfterAChunk();
        assertEquals(SpeechException.Kind.OTHER, failure.kind());
        assertTrue(failure.detail().startsWith("unreadable message from the service: not JSON"), failure.detail());
    }

    @Test
    void oversizedMessage_failsTheSession() throws Exception {
        fake.playAtNextChunk(new FakeRealtimeStt.Flood(1, 70 * 1024));
        Failure failure = failAfterAChunk();
        assertEquals(new Failure(SpeechException.Kind.OTHER, "the service sent a message over 65536 characters"), failure);
    }

    @Test
    void upgradeNeverAnswered_timesOut() throws Exception {
        Recorder heard = new Recorder();
        new ElevenLabsRealtimeSpeechToText(http, fake.mutedUrl(), Optional.of(new Secret(FakeRealtimeStt.API_KEY)),
                "scribe_v2_realtime", Optional.of("es"), new Limits(Duration.ofMillis(300), Duration.ofSeconds(10), 3, 65536))
                .open("CA1", heard);
        assertEquals(new Failure(SpeechException.Kind.TIMEOUT, "no connection within 300 ms"), heard.awaitFailure());
    }

    @Test
    void nothingListening_failsWithConnection() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        Recorder heard = new Recorder();
        client(URI.create("ws://127.0.0.1:" + port), FakeRealtimeStt.API_KEY, "scribe_v2_realtime", Optional.empty())
                .open("CA1", heard);
        assertEquals(SpeechException.Kind.CONNECTION, heard.awaitFailure().kind());
    }

    @Test
    void serviceNotReading_failsWhenTheQueueIsFull_withoutBlockingTheCaller() throws Exception {
        Recorder heard = new Recorder();
        var session = client(fake.deafUrl(), FakeRealtimeStt.API_KEY, "scribe_v2_realtime", Optional.empty())
                .open("CA1", heard);
        session.sendAudio(frames(5));
        fake.awaitDeafHeard(WAIT); // the session has started: it sends nothing before
        byte[] frame = frames(1);
        long given = 0;
        // Faster than real time, as long as it takes: the kernel's buffers fill, then 10 s of ours.
        while (session.sendAudio(frame)) {
            given++;
            assertTrue(given < 5_000_000, "the session never noticed the service was not reading");
        }
        assertEquals(new Failure(SpeechException.Kind.TIMEOUT, "the service is not reading: 10 s of audio wait to be sent"),
                heard.awaitFailure());
        assertFalse(session.commit(), "the session is over");
        System.out.printf("deaf service: %d frames (%d s of audio) given before the session failed%n", given, given / 50);
    }

    @Test
    void sessionNeverStarted_failsWhenTheQueueIsFull() throws Exception {
        Recorder heard = new Recorder();
        var session = client(fake.mutedUrl(), FakeRealtimeStt.API_KEY, "scribe_v2_realtime", Optional.empty())
                .open("CA1", heard);
        int given = 0;
        while (session.sendAudio(frames(1))) {
            given++;
        }
        assertEquals(500, given); // 10 s of 20 ms frames
        assertEquals(new Failure(SpeechException.Kind.TIMEOUT,
                "the session did not start: 10 s of audio waited for session_started"), heard.awaitFailure());
    }

    @Test
    void commitsNeverAnswered_failTheSessionByCount() throws Exception {
        fake.stallCommits();
        Recorder heard = new Recorder();
        var session = client().open("CA1", heard);
        for (int i = 1; i <= 3; i++) {
            assertTrue(session.sendAudio(frames(1)));
            assertTrue(session.commit());
            int messages = i; // the commit carries the frame
            fake.awaitReceived("commit " + i, WAIT, m -> m.size() == messages);
        }
        assertFalse(session.commit());
        assertEquals(new Failure(SpeechException.Kind.TIMEOUT, "the service answered none of the last 3 commits"),
                heard.awaitFailure());
        assertEquals(0, fake.commitsAnswered());
    }

    @Test
    void partialFlood_isReadOnlyAsFastAsTheListenerTakesIt() throws Exception {
        int flood = 50_000; // 1 KB each: 50 MB if it were all read at once
        CountDownLatch firstPartial = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder heard = new Recorder() {
            @Override
            public void onPartial(String text) {
                super.onPartial(text);
                firstPartial.countDown();
                try {
                    release.await(); // a listener that is slow, here as slow as it gets
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        fake.partials(audio -> "p").playAtNextChunk(new FakeRealtimeStt.Flood(flood, 1_000));
        var session = client().open("CA1", heard);
        session.sendAudio(frames(5));
        assertTrue(firstPartial.await(10, TimeUnit.SECONDS));
        // The stand-in's sends stop being taken: the client holds what the sockets hold, not the flood.
        int[] last = {-1};
        long[] since = {System.nanoTime()};
        Await.until("the flood held back", WAIT, () -> {
            int now = fake.floodSent();
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] > TimeUnit.MILLISECONDS.toNanos(200);
        });
        int heldBack = fake.floodSent();
        assertTrue(heldBack < flood, "the whole flood was taken: " + heldBack);
        release.countDown();
        heard.await("the flood's last partial", r -> r.partials.size() == flood);
        assertEquals((flood - 1) + "x".repeat(1_000), heard.partials().getLast());
        assertTrue(session.sendAudio(frames(1)), "the session goes on");
        session.close();
        heard.assertCalmAndNotFailed();
        System.out.printf("partial flood: %d of %d partials (%d KB) sent while the listener was blocked%n",
                heldBack, flood, heldBack);
    }

    private Failure failAfterAChunk() throws Exception {
        Recorder heard = new Recorder();
        var session = client().open("CA1", heard);
        session.sendAudio(frames(5));
        Failure failure = heard.awaitFailure();
        assertFalse(session.sendAudio(frames(1)));
        fake.awaitClosed(0, WAIT);
        heard.assertOneFailure();
        return failure;
    }

    private ElevenLabsRealtimeSpeechToText client() {
        return client(fake.url(), FakeRealtimeStt.API_KEY, "scribe_v2_realtime", Optional.of("es"));
    }

    private ElevenLabsRealtimeSpeechToText client(URI url, String key, String model, Optional<String> language) {
        return new ElevenLabsRealtimeSpeechToText(http, url, Optional.of(new Secret(key)), model, language);
    }

    /** {@code count} frames of audio, each byte telling where it is so order and loss show. */
    private static byte[] frames(int count) {
        byte[] audio = new byte[count * FRAME];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) (i * 7 + i / 256);
        }
        return audio;
    }

    private static byte[] audioOf(JsonNode message) {
        return Base64.getDecoder().decode(message.get("audio_base_64").asText());
    }

    record Failure(SpeechException.Kind kind, String detail) {
    }

    /** What a session's listener heard, awaitable; notes any call made while another was running. */
    static class Recorder implements RealtimeSpeechToText.Listener {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final AtomicInteger inCall = new AtomicInteger();
        private final AtomicInteger overlaps = new AtomicInteger();
        final List<String> partials = new ArrayList<>();
        final List<String> committed = new ArrayList<>();
        final List<Failure> failures = new ArrayList<>();

        @Override
        public void onPartial(String text) {
            record(() -> partials.add(text));
        }

        @Override
        public void onCommitted(String text) {
            record(() -> committed.add(text));
        }

        @Override
        public void onFailed(SpeechException.Kind kind, String detail) {
            record(() -> failures.add(new Failure(kind, detail)));
        }

        private void record(Runnable change) {
            if (inCall.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            lock.lock();
            try {
                change.run();
                changed.signalAll();
            } finally {
                lock.unlock();
                inCall.decrementAndGet();
            }
        }

        void await(String what, Predicate<Recorder> done) throws InterruptedException {
            long left = WAIT.toNanos();
            lock.lock();
            try {
                while (!done.test(this)) {
                    if (left <= 0) {
                        throw new AssertionError("not heard: " + what + "; heard " + committed + ", failures " + failures);
                    }
                    left = changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }

        Failure awaitFailure() throws InterruptedException {
            await("a failure", r -> !r.failures.isEmpty());
            lock.lock();
            try {
                return failures.getFirst();
            } finally {
                lock.unlock();
            }
        }

        List<String> partials() {
            lock.lock();
            try {
                return List.copyOf(partials);
            } finally {
                lock.unlock();
            }
        }

        List<String> committed() {
            lock.lock();
            try {
                return List.copyOf(committed);
            } finally {
                lock.unlock();
            }
        }

        void assertOneFailure() {
            lock.lock();
            try {
                assertEquals(1, failures.size(), failures.toString());
                assertEquals(0, overlaps.get(), "listener calls overlapped");
            } finally {
                lock.unlock();
            }
        }

        void assertCalmAndNotFailed() {
            lock.lock();
            try {
                assertEquals(List.of(), failures);
                assertEquals(0, overlaps.get(), "listener calls overlapped");
            } finally {
                lock.unlock();
            }
        }
    }
}
