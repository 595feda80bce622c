package callbridge.testing;

import callbridge.http.RequestHead;
import callbridge.http.SimpleResponse;

import callbridge.websocket.CloseFrame;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static callbridge.testing.FakeTwilioCall.isEvent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fake Twilio client against callbridge's own WebSocket server on a loopback port: the exact JSON it
 * sends, its real-time pacing, what it does with what the server sends, and closing from either side.
 */
class FakeTwilioCallTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CALL_SID = "CA11111111111111111111111111111111";
    private static final String STREAM_SID = "MZ22222222222222222222222222222222";
    /** How late fifty calls at once may finish (see that test). */
    private static final Duration LOAD_GRACE = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingEndpoint endpoint = new RecordingEndpoint();
    private StandaloneServer server;

    @BeforeEach
    void startServer() throws IOException {
        WebSocketEndpoint refusing = new WebSocketEndpoint() {
            @Override
            public Optional<SimpleResponse> refusal(RequestHead request) {
                return Optional.of(SimpleResponse.error(403, "Forbidden", "bad signature"));
            }

            @Override
            public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
                throw new AssertionError("a refused upgrade must not open");
            }
        };
        server = StandaloneServer.start(Map.of(),
                Map.of("/media", endpoint, "/refuse", refusing), Duration.ofSeconds(30), 100);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void connect_sendsConnectedThenStart_exactlyAsTwilioDoes() throws IOException {
        try (FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID,
                Map.of("from", "+34600000000"), Map.of("X-Twilio-Signature", "c2lnbmF0dXJl"))) {
            Recording server = endpoint.recordingFor(call);

            assertEquals(Optional.of("c2lnbmF0dXJl"), server.request.header("X-Twilio-Signature"));
            assertEquals(List.of(
                    "{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}",
                    "{\"event\":\"start\",\"sequenceNumber\":\"1\",\"start\":{"
                            + "\"accountSid\":\"AC00000000000000000000000000000000\","
                            + "\"streamSid\":\"" + STREAM_SID + "\",\"callSid\":\"" + CALL_SID + "\","
                            + "\"tracks\":[\"inbound\"],\"customParameters\":{\"from\":\"+34600000000\"},"
                            + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}},"
                            + "\"streamSid\":\"" + STREAM_SID + "\"}"),
                    server.texts());
        }
    }

    @Test
    void speak_streamsOneMediaFramePer20ms_atRealTimePace() throws IOException {
        byte[] clip = SpeechClips.load(SpeechClips.HORARIO_APERTURA);
        int frames = (clip.length + 159) / 160; // 13623 bytes: 85 whole frames and a padded last one
        try (FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of())) {
            Recording server = endpoint.recordingFor(call);

            long began = System.nanoTime();
            call.speak(clip);
            Duration speaking = Duration.ofNanos(System.nanoTime() - began);

            assertEquals(Duration.ofMillis(20L * frames), call.streamedSoFar());
            assertAboutRealTime(SpeechClips.durationOf(clip), speaking, "speak() took");
            List<Arrival> media = server.awaitEvents("media", frames);
            for (int k = 0; k < frames; k++) {
                long due = began + TimeUnit.MILLISECONDS.toNanos(20L * (k + 1)); // sent once its 20 ms have passed
                assertTrue(media.get(k).nanos() >= due, "frame " + k + " came before its time");
            }
            assertAboutRealTime(Duration.ofMillis(20L * (frames - 1)),
                    Duration.ofNanos(media.getLast().nanos() - media.getFirst().nanos()), "first to last frame took");

            byte[] padded = Arrays.copyOf(clip, 160 * frames);
            Arrays.fill(padded, clip.length, padded.length, SpeechClips.SILENCE);
            for (int i = 0; i < frames; i++) {
                String payload = Base64.getEncoder().encodeToString(Arrays.copyOfRange(padded, 160 * i, 160 * (i + 1)));
                // Twilio sends sequenceNumber, chunk and timestamp as strings; start was sequence number 1.
                assertEquals("{\"event\":\"media\",\"sequenceNumber\":\"" + (i + 2) + "\",\"media\":{"
                                + "\"track\":\"inbound\",\"chunk\":\"" + (i + 1) + "\",\"timestamp\":\"" + (20 * i) + "\","
                                + "\"payload\":\"" + payload + "\"},\"streamSid\":\"" + STREAM_SID + "\"}",
                        media.get(i).text(), "media message " + i);
            }
        }
    }

    @Test
    void dtmfMarkAndStop_haveTwilioShapes_andSequenceNumbersContinue() throws Exception {
        try (FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of())) {
            Recording server = endpoint.recordingFor(call);
            call.silence(Duration.ofMillis(50)); // rounded up: 3 frames, sequence numbers 2 to 4
            call.sendDtmf("5");
            call.echoMark("greeting-1");
            call.stop();

            server.awaitEvents("stop", 1);
            List<String> texts = server.texts();
            assertEquals(List.of(
                    "{\"event\":\"dtmf\",\"streamSid\":\"" + STREAM_SID + "\",\"sequenceNumber\":\"5\","
                            + "\"dtmf\":{\"track\":\"inbound_track\",\"digit\":\"5\"}}",
                    "{\"event\":\"mark\",\"sequenceNumber\":\"6\",\"streamSid\":\"" + STREAM_SID + "\","
                            + "\"mark\":{\"name\":\"greeting-1\"}}",
                    "{\"event\":\"stop\",\"sequenceNumber\":\"7\",\"streamSid\":\"" + STREAM_SID + "\","
                            + "\"stop\":{\"accountSid\":\"AC00000000000000000000000000000000\",\"callSid\":\"" + CALL_SID + "\"}}"),
                    texts.subList(texts.size() - 3, texts.size()));
            for (Arrival silence : server.awaitEvents("media", 3)) {
                byte[] payload = Base64.getDecoder().decode(silence.json().path("media").path("payload").asText());
                assertArrayEquals(SpeechClips.silence(Duration.ofMillis(20)), payload);
            }
            assertEquals(Duration.ofMillis(60), call.streamedSoFar());
            assertThrows(IllegalStateException.class, () -> call.speak(new byte[160]), "no audio after stop");
        }
    }

    @Test
    void serverCloses_closedCompletesWithItsCode_andTheClientAnswersTheClose() throws Exception {
        FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of());
        Recording server = endpoint.recordingFor(call);
        call.stop();
        server.awaitEvents("stop", 1);

        server.connection.close(1000, "call over");

        assertEquals(1000, call.closed().get(5, TimeUnit.SECONDS));
        // The server reports the peer's close frame; ours carried "call over", the client's echo has no reason.
        assertEquals(new CloseFrame(1000, ""), server.closed.get(1, TimeUnit.SECONDS));
        call.close(); // nothing left to do, and no error
    }

    @Test
    void close_hangsUp_withStopThenACloseHandshake() throws Exception {
        FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of());
        Recording server = endpoint.recordingFor(call);

        call.close();

        assertEquals(new CloseFrame(1000, ""), server.closed.get(5, TimeUnit.SECONDS));
        assertEquals(List.of("connected", "start", "stop"), server.events());
        assertEquals(1000, call.closed().get(1, TimeUnit.SECONDS), "the server echoed our close");
    }

    @Test
    void awaitMessage_returnsWhatTheServerSends_eachMessageOnce() throws IOException {
        try (FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of())) {
            Recording server = endpoint.recordingFor(call);
            byte[] audio = SpeechClips.load(SpeechClips.SI_GRACIAS);

            server.send("{\"event\":\"mark\",\"streamSid\":\"" + STREAM_SID + "\",\"mark\":{\"name\":\"a\"}}");
            server.send(mediaFromServer(Arrays.copyOf(audio, 800)));
            server.send("{\"event\":\"mark\",\"streamSid\":\"" + STREAM_SID + "\",\"mark\":{\"name\":\"b\"}}");

            assertEquals("a", call.awaitMessage(isEvent("mark"), WAIT).path("mark").path("name").asText());
            assertEquals("b", call.awaitMessage(isEvent("mark"), WAIT).path("mark").path("name").asText());
            assertEquals(List.of("mark", "media", "mark"), call.messages().stream().map(m -> m.path("event").asText()).toList());
            assertEquals(1, call.receivedAudio().size());
            assertArrayEquals(Arrays.copyOf(audio, 800), call.receivedAudio().getFirst());
            AssertionError none = assertThrows(AssertionError.class,
                    () -> call.awaitMessage(isEvent("mark"), Duration.ofMillis(100)));
            assertTrue(none.getMessage().contains("[mark, media, mark]"), none.getMessage());
        }
    }

    @Test
    void awaitMessage_failsAtOnceWhenTheServerCloses() throws IOException {
        try (FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of())) {
            endpoint.recordingFor(call).connection.close(1008, "policy");

            long began = System.nanoTime();
            AssertionError error = assertThrows(AssertionError.class, () -> call.awaitMessage(isEvent("mark"), WAIT));
            assertTrue(error.getMessage().contains("closed by the server: 1008 policy"), error.getMessage());
            assertTrue(System.nanoTime() - began < WAIT.toNanos() / 2, "did not wait out the timeout");
        }
    }

    @Test
    void echoMarksAfterPlayback_echoesOnceTheAudioHasPlayed_orAtOnceAfterClear() throws Exception {
        try (FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of())) {
            call.echoMarksAfterPlayback(true);
            Recording server = endpoint.recordingFor(call);

            long sent = System.nanoTime();
            server.send(mediaFromServer(SpeechClips.silence(Duration.ofMillis(500)))); // faster than real time, as TTS does
            server.send(mediaFromServer(SpeechClips.silence(Duration.ofMillis(500))));
            server.send("{\"event\":\"mark\",\"streamSid\":\"" + STREAM_SID + "\",\"mark\":{\"name\":\"played\"}}");
            call.awaitMarkPlayed("played", WAIT);
            assertTrue(System.nanoTime() - sent >= TimeUnit.SECONDS.toNanos(1), "awaitMarkPlayed returned before the audio played");
            Arrival played = server.awaitEvents("mark", 1).getFirst();
            assertEquals("played", played.json().path("mark").path("name").asText());
            assertAboutRealTime(Duration.ofSeconds(1), Duration.ofNanos(played.nanos() - sent), "the echo came after");

            long cleared = System.nanoTime();
            server.send(mediaFromServer(SpeechClips.silence(Duration.ofSeconds(3))));
            server.send("{\"event\":\"mark\",\"streamSid\":\"" + STREAM_SID + "\",\"mark\":{\"name\":\"cut\"}}");
            server.send("{\"event\":\"clear\",\"streamSid\":\"" + STREAM_SID + "\"}");
            Arrival cut = server.awaitEvents("mark", 2).getLast();
            assertEquals("cut", cut.json().path("mark").path("name").asText());
            assertTrue(cut.nanos() - cleared < TimeUnit.MILLISECONDS.toNanos(500), "clear echoes pending marks at once");
            assertThrows(AssertionError.class, () -> call.awaitMarkPlayed("never-sent", Duration.ofMillis(100)));
        }
    }

    @Test
    void silenceWhenIdle_keepsTheStreamGoing_likeARealCall() throws IOException {
        try (FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"), CALL_SID, STREAM_SID, Map.of(), Map.of())) {
            Recording server = endpoint.recordingFor(call);
            call.silenceWhenIdle(true);

            List<Arrival> media = server.awaitEvents("media", 10);
            call.silenceWhenIdle(false);

            for (Arrival frame : media) {
                byte[] payload = Base64.getDecoder().decode(frame.json().path("media").path("payload").asText());
                assertArrayEquals(SpeechClips.silence(Duration.ofMillis(20)), payload);
            }
            assertTrue(call.streamedSoFar().compareTo(Duration.ofMillis(200)) >= 0, call.streamedSoFar().toString());
        }
    }

    @Test
    void connect_refusedUpgrade_throwsWithTheStatus() {
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class,
                () -> FakeTwilioCall.connect(uri("/refuse")));
        assertEquals(403, refused.getResponse().statusCode());
    }

    /**
     * Fifty calls in one JVM, speaking at once. Each call's frames are checked against its own schedule
     * (frame k is due (k + 1) x 20 ms after speak() began): none may arrive early, which holds whatever the
     * load, and all must have arrived in order and in full. Lateness is bounded loosely: on a busy machine
     * the whole JVM (fifty pacers, the server and its fifty read loops) can go without CPU for a few hundred
     * milliseconds, every call at once, and each pacer then catches up instead of drifting. The single-call
     * test above holds pacing to 10 %.
     */
    @Test
    void fiftyCallsAtOnce_eachStreamsItsClipInRealTime() throws Exception {
        int calls = 50;
        byte[] clip = SpeechClips.load(SpeechClips.HORARIO_APERTURA);
        int frames = (clip.length + 159) / 160;
        int warmUpFrames = 15;
        Map<FakeTwilioCall, Long> began = new ConcurrentHashMap<>();
        List<Future<Duration>> speaking = new ArrayList<>();
        CyclicBarrier allConnected = new CyclicBarrier(calls); // handshakes first, then 50 voices at once
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                speaking.add(threads.submit(() -> {
                    FakeTwilioCall call = FakeTwilioCall.connect(uri("/media"));
                    call.silence(Duration.ofMillis(300)); // warms the JIT up before the measured part
                    allConnected.await(10, TimeUnit.SECONDS);
                    long start = System.nanoTime();
                    began.put(call, start);
                    call.speak(clip);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    call.close();
                    return took;
                }));
            }
            for (Future<Duration> took : speaking) {
                assertOnTimeUnderLoad(Duration.ofMillis(20L * frames), took.get(30, TimeUnit.SECONDS), "speak() took");
            }
        }
        assertEquals(calls, began.size());
        for (Map.Entry<FakeTwilioCall, Long> entry : began.entrySet()) {
            FakeTwilioCall call = entry.getKey();
            Recording server = endpoint.recordingFor(call);
            List<Arrival> media = server.awaitEvents("media", warmUpFrames + frames).subList(warmUpFrames, warmUpFrames + frames);
            for (int k = 0; k < frames; k++) {
                long due = entry.getValue() + TimeUnit.MILLISECONDS.toNanos(20L * (k + 1));
                assertTrue(media.get(k).nanos() >= due, call + ": frame " + k + " came before its time");
                assertEquals(Integer.toString(warmUpFrames + k + 1), media.get(k).json().path("media").path("chunk").asText());
            }
            assertOnTimeUnderLoad(Duration.ofMillis(20L * frames), Duration.ofNanos(media.getLast().nanos() - entry.getValue()),
                    call + ": the last frame came after");
            assertEquals(new CloseFrame(1000, ""), server.closed.get(5, TimeUnit.SECONDS), call.toString());
            assertEquals(1000, call.closed().get(1, TimeUnit.SECONDS), call.toString());
        }
    }

    /** Real-time pace, give or take 10 %. */
    private static void assertAboutRealTime(Duration expected, Duration actual, String what) {
        long tolerance = expected.toNanos() / 10;
        assertTrue(Math.abs(actual.toNanos() - expected.toNanos()) <= tolerance,
                what + " " + actual.toMillis() + " ms, expected " + expected.toMillis() + " ms +- 10 %");
    }

    /** Never faster than real time; late by at most {@link #LOAD_GRACE}. */
    private static void assertOnTimeUnderLoad(Duration expected, Duration actual, String what) {
        assertTrue(actual.compareTo(expected) >= 0 && actual.compareTo(expected.plus(LOAD_GRACE)) <= 0,
                what + " " + actual.toMillis() + " ms, expected " + expected.toMillis() + " ms, up to "
                        + LOAD_GRACE.toMillis() + " ms more");
    }

    private static String mediaFromServer(byte[] mulaw) {
        return "{\"event\":\"media\",\"streamSid\":\"" + STREAM_SID + "\",\"media\":{\"payload\":\""
                + Base64.getEncoder().encodeToString(mulaw) + "\"}}";
    }

    private URI uri(String path) {
        try {
            return new URI("ws", null, InetAddress.getLoopbackAddress().getHostAddress(), server.port(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One message as the server received it, and when. */
    record Arrival(String text, JsonNode json, long nanos) {
    }

    /** Opens a {@link Recording} for every connection and finds it again by the stream SID its start named. */
    static final class RecordingEndpoint implements WebSocketEndpoint {
        private final Map<String, CompletableFuture<Recording>> byStreamSid = new ConcurrentHashMap<>();

        @Override
        public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
            return new Recording(connection, request, this);
        }

        Recording recordingFor(FakeTwilioCall call) {
            try {
                return future(call.streamSid()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("the server got no start for " + call, e);
            }
        }

        private CompletableFuture<Recording> future(String streamSid) {
            return byStreamSid.computeIfAbsent(streamSid, sid -> new CompletableFuture<>());
        }
    }

    /** The server's end of one connection: every message with its arrival time, and the close it saw. */
    static final class Recording implements WebSocketListener {
        final WebSocketConnection connection;
        final RequestHead request;
        final CompletableFuture<CloseFrame> closed = new CompletableFuture<>();
        private final RecordingEndpoint endpoint;
        private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        private final ReceivedMessages messages = new ReceivedMessages();

        Recording(WebSocketConnection connection, RequestHead request, RecordingEndpoint endpoint) {
            this.connection = connection;
            this.request = request;
            this.endpoint = endpoint;
        }

        @Override
        public void onText(WebSocketConnection connection, String message) {
            long now = System.nanoTime();
            JsonNode json;
            try {
                json = JSON.readTree(message);
            } catch (IOException e) {
                throw new AssertionError("the client sent something that is not JSON: " + message, e);
            }
            arrivals.add(new Arrival(message, json, now));
            messages.add(json);
            if (json.path("event").asText().equals("start")) {
                endpoint.future(json.path("streamSid").asText()).complete(this);
            }
        }

        @Override
        public void onClose(WebSocketConnection connection, CloseFrame status) {
            closed.complete(status);
            messages.end("closed " + status);
        }

        void send(String text) {
            try {
                connection.sendText(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<String> texts() {
            return arrivals.stream().map(Arrival::text).toList();
        }

        List<String> events() {
            return arrivals.stream().map(a -> a.json().path("event").asText()).toList();
        }

        /** Waits until at least {@code count} messages of this event have arrived; returns all of them so far. */
        List<Arrival> awaitEvents(String event, int count) {
            while (arrivals(event).size() < count) {
                messages.await(isEvent(event), WAIT); // parks until one more arrives
            }
            return arrivals(event);
        }

        private List<Arrival> arrivals(String event) {
            return arrivals.stream().filter(a -> a.json().path("event").asText().equals(event)).toList();
        }
    }
}
