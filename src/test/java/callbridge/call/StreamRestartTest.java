package callbridge.call;

import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioDialer;
import callbridge.websocket.CloseCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call outlives its media stream: a restarted stream (the same stream URL opened again, as Twilio does
 * after a network fault) continues the same call, with the same record, budgets and turn; a call that has
 * ended stays ended. Over loopback, with the real front door and WebSocket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void restartedStream_isTheSameLiveCall_inItsRecordAndInTheList() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        StreamUrl stream = streamUrl(sid);
        try (FakeTwilioCall first = stream.connect()) {
            server.session(sid);
            try (FakeTwilioCall second = stream.connect()) {
                assertEquals(CloseCodes.NORMAL, first.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
                JsonNode record = record(sid);
                assertTrue(record.path("live").asBoolean(), record.toString());
                assertTrue(record.path("end").isMissingNode(), record.toString());
                assertEquals(1, record.path("stream_restarts").asInt(), record.toString());
                assertEquals(second.streamSid(), record.path("stream_sid").asText());
                JsonNode list = JSON.readTree(server.get("/calls", TestCallbridge.API_KEY).body());
                assertEquals(sid, list.path("calls").get(0).path("call_sid").asText(), list.toString());
                assertEquals(0, server.twilioRest().updatesFor(sid).size(), "a restart completes nothing");
            }
        }
    }

    @Test
    void reconnectLoop_isOneCall_withBoundedRestarts_andOneSpeechRequest() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        StreamUrl stream = streamUrl(sid);
        byte[] clip = SpeechClips.load(SpeechClips.RESERVAR_MESA);
        FakeTwilioCall current = stream.connect();
        // The far end begins a turn; each reconnect used to end the session and pay for its partial turn.
        current.speak(Arrays.copyOf(clip, clip.length / 3));
        for (int restart = 1; restart <= CallSession.MAX_STREAM_RESTARTS; restart++) {
            FakeTwilioCall next = stream.connect();
            assertEquals(CloseCodes.NORMAL, current.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS), "restart " + restart);
            current.close();
            current = next;
            assertEquals(next.streamSid(), server.session(sid).streamSid(), "restart " + restart + " took over");
        }
        try (FakeTwilioCall oneTooMany = stream.connect()) {
            assertEquals(CloseCodes.POLICY_VIOLATION, oneTooMany.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertFalse(current.closed().isDone(), "the call goes on, on its stream");
        current.speak(Arrays.copyOfRange(clip, clip.length / 3, clip.length)); // the turn ends on the last stream
        current.stop();
        current.close();
        Await.until("the call's turn transcribed", WAIT, () -> record(sid).path("turns").size() == 1);
        JsonNode record = record(sid);
        assertEquals("hung up", record.path("end").path("reason").asText(), record.toString());
        assertEquals(CallSession.MAX_STREAM_RESTARTS, record.path("stream_restarts").asInt());
        server.twilioRest().awaitUpdates(1, WAIT);
        assertEquals(1, server.elevenLabs().sttRequests().size(), "one turn across every stream: one request");
        assertEquals(1, server.twilioRest().updatesFor(sid).size());
    }

    @Test
    void endedCall_reopenedStreamURL_isRefused_itsRecordKept_completedOnce() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        StreamUrl stream = streamUrl(sid);
        try (FakeTwilioCall call = stream.connect()) {
            server.session(sid);
            call.stop();
            server.twilioRest().awaitUpdates(1, WAIT);
        }
        Await.until("the call's record complete", WAIT, () -> !record(sid).path("live").asBoolean(true));
        String before = record(sid).toString();
        assertRefusedAtTheUpgrade(410, stream::connect);
        assertEquals(before, record(sid).toString(), "the ended call's record is untouched");
        assertEquals(0, server.calls().size());
        assertEquals(1, server.twilioRest().updatesFor(sid).size(), "completed once");
    }

    /** A stream URL reopened without ever starting: each connection would hold a descriptor and a thread. */
    @Test
    void connectionsToOneCallsStreamURL_areBounded() throws Exception {
        URI url = streamUrl(FakeTwilioCall.newCallSid()).url();
        List<CompletableFuture<Integer>> closes = new ArrayList<>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CompletableFuture<Integer> closed = new CompletableFuture<>();
                closes.add(closed);
                sockets.add(http.newWebSocketBuilder().buildAsync(url, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(WAIT.toSeconds(), TimeUnit.SECONDS)); // upgraded, and never a start
            }
            // Refused before the upgrade: an HTTP answer, not a WebSocket held through a closing handshake.
            assertRefusedAtTheUpgrade(429, () -> http.newWebSocketBuilder().buildAsync(url, new WebSocket.Listener() {
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) {
                assertFalse(closes.get(i).isDone(), "connection " + i + " is within the bound");
            }
            sockets.forEach(WebSocket::abort);
        }
    }

    /**
     * A call's end outlives the process: a server restarted with the same STREAM_SECRET (whose tokens it
     * accepts) and RECORDS_DIR refuses the ended call's URL by its record, as it does once ten thousand
     * later calls have pushed the call out of memory.
     */
    @Test
    void endedCall_staysEnded_acrossARestartOfTheServer() throws Exception {
        Path records = Files.createTempDirectory("callbridge-records");
        Map<String, String> settings = Map.of("RECORDS_DIR", records.toString(), "STREAM_SECRET", "a shared secret of more than 32 bytes");
        String sid = FakeTwilioCall.newCallSid();
        String before;
        try (TestCallbridge first = TestCallbridge.start(settings)) {
            TwilioDialer.Stream stream = first.twilio().webhook(sid);
            try (FakeTwilioCall call = FakeTwilioCall.connect(first.twilio().local(stream.url()), sid,
                    FakeTwilioCall.newStreamSid(), stream.parameters(), Map.of())) {
                first.session(sid);
                call.stop();
                Await.until("the record written", WAIT, () -> Files.exists(records.resolve(sid + ".json")));
            }
            before = Files.readString(records.resolve(sid + ".json"));
        }
        try (TestCallbridge second = TestCallbridge.start(settings); DeletedAfter ignored = new DeletedAfter(records)) {
            TwilioDialer.Stream stream = second.twilio().webhook(sid);
            assertRefusedAtTheUpgrade(410, () -> FakeTwilioCall.connect(second.twilio().local(stream.url()), sid,
                    FakeTwilioCall.newStreamSid(), stream.parameters(), Map.of()));
            assertEquals(before, Files.readString(records.resolve(sid + ".json")), "the record is untouched");
            assertEquals(List.of(), second.twilioRest().updates(), "nothing completed again");
            assertEquals(0, second.calls().size());
        }
    }

    /** Deletes a records directory this test made, when closed. */
    private record DeletedAfter(Path directory) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
    }

    @FunctionalInterface
    private interface Upgrade {
        Object open() throws Exception;
    }

    private static void assertRefusedAtTheUpgrade(int status, Upgrade upgrade) {
        Exception refused = assertThrows(Exception.class, upgrade::open);
        Throwable cause = refused;
        while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof WebSocketHandshakeException, () -> "not a refused upgrade: " + refused);
        assertEquals(status, ((WebSocketHandshakeException) cause).getResponse().statusCode());
    }

    /** The stream URL our webhook handed out for the call {@code sid}: each connect opens it as a new stream. */
    private record StreamUrl(String sid, URI url, TwilioDialer.Stream stream) {
        FakeTwilioCall connect() throws Exception {
            return FakeTwilioCall.connect(url, sid, FakeTwilioCall.newStreamSid(), stream.parameters(), Map.of());
        }
    }

    private StreamUrl streamUrl(String sid) throws Exception {
        TwilioDialer.Stream stream = server.twilio().webhook(sid);
        return new StreamUrl(sid, server.twilio().local(stream.url()), stream);
    }

    private JsonNode record(String sid) throws Exception {
        HttpResponse<String> answer = server.get("/calls/" + sid, TestCallbridge.API_KEY);
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }
}
