package callbridge.server;

import callbridge.call.CallSession;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.LogCapture;
import callbridge.testing.TestCallbridge;
import callbridge.twilio.MediaStreamEndpoint;
import callbridge.twilio.VoiceWebhook;
import callbridge.websocket.WebSocketConnection;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logs an attacker cannot flood: what a client causes on purpose (an aborted body, garbage, refused
 * requests by the dozen) is one DEBUG line at most, or one rate-limited warning with a count, and never a
 * stack trace.
 */
class ClientNoiseLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 20;

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("TWILIO_VALIDATE_SIGNATURES", "true"));
    @AutoClose
    private final LogCapture log = LogCapture.of(HttpRoutes.class, FrontDoor.class, VoiceWebhook.class,
            MediaStreamEndpoint.class, WebSocketConnection.class, CallSession.class,
            Class.forName("callbridge.twilio.MediaStreamListener"));

    ClientNoiseLogTest() throws ClassNotFoundException {
    }

    @Test
    void webhookBodyAbortedHalfWay_isOneDebugLine_withoutAStackTrace() throws Exception {
        // More than the relay buffers, so the handler is already reading the body when the client goes.
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("POST /twilio-voice HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 20000\r\n\r\nCallSid=" + "x".repeat(10_000));
        }
        log.await(record -> record.getLoggerName().equals(HttpRoutes.class.getName()), WAIT);
        List<LogRecord> records = log.records();
        assertQuiet(records);
        assertTrue(records.stream().filter(r -> r.getLevel().intValue() >= Level.FINE.intValue()).count() <= 1,
                LogCapture.messages(records).toString());
    }

    @Test
    void garbageOnAMediaStream_isOneDebugLine() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            for (int i = 0; i < ATTEMPTS; i++) {
                call.sendText(i % 2 == 0 ? "not json" : "{\"event\":\"media\",\"media\":{\"payload\":\"%%%\"}}");
            }
            call.sendDtmf("5"); // messages are handled in order: once this is logged, so is all the garbage
            log.await(record -> record.getMessage().contains("DTMF"), WAIT);
        }
        List<LogRecord> aboutGarbage = log.records().stream()
                .filter(record -> record.getMessage().contains("malformed")).toList();
        assertEquals(1, aboutGarbage.size(), LogCapture.messages(aboutGarbage).toString());
        assertQuiet(aboutGarbage);
    }

    @Test
    void refusedWebhooksAndStreams_areOneRateLimitedWarningEach() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < ATTEMPTS; i++) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/twilio-voice"))
                        .POST(HttpRequest.BodyPublishers.ofString("CallSid=" + FakeTwilioCall.newCallSid())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(403, answer.statusCode());
                assertThrows(WebSocketHandshakeException.class, () -> FakeTwilioCall.connect(
                        URI.create("ws://127.0.0.1:" + server.port() + "/media")));
            }
        }
        // Twenty of each within the 10 s interval: the first of each kind is written, the rest only counted.
        for (Class<?> source : List.of(VoiceWebhook.class, MediaStreamEndpoint.class)) {
            List<LogRecord> lines = log.records().stream().filter(r -> r.getLoggerName().equals(source.getName())).toList();
            assertEquals(1, lines.size(), LogCapture.messages(lines).toString());
            assertEquals(Level.WARNING, lines.getFirst().getLevel());
        }
    }

    /** Nothing above DEBUG, and no stack trace. */
    private static void assertQuiet(List<LogRecord> records) {
        assertTrue(records.stream().allMatch(r -> r.getLevel().intValue() <= Level.FINE.intValue() && r.getThrown() == null),
                LogCapture.messages(records).toString());
    }
}
