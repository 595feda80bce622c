package callbridge.call;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver that abandons a {@code /generate} (its HTTP client timed out and closed the connection) and asks
 * again finds the call free at once, not 409 until the abandoned request's own timeout; and whatever the
 * abandoned request had taken from the call comes back with the next one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GenerateAbandonTest {
    /** Far longer than the test: an abandoned request must not hold the call for its timeout. */
    private static final String LONG_TIMEOUT = "120";
    private static final Duration GIVE_BACK = Duration.ofSeconds(1);

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void longPollAbandoned_theCallIsFreeAtOnce() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            Socket abandoned = sendGenerate("sid=" + call.callSid() + "&first=true&timeout=" + LONG_TIMEOUT);
            awaitHeld(call.callSid());
            long closedAt = System.nanoTime();
            abandoned.close();
            Duration free = awaitFree(call.callSid());
            System.out.printf("[GenerateAbandonTest] abandoned long poll: call free again %d ms after the client closed%n",
                    free.toMillis());
            assertTrue(free.compareTo(GIVE_BACK) < 0, "free only after " + free.toMillis() + " ms");
            assertTrue(System.nanoTime() - closedAt < GIVE_BACK.toNanos() * 2);
        }
    }

    @Test
    void abandonedWhilePlaying_whatWasHeardBeforeComesBackWithTheNextRequest() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            server.awaitHeard(call.callSid(), 1);
            // Marks are not echoed: this request drains what was heard, speaks, then waits for the echo.
            Socket abandoned = sendGenerate("sid=" + call.callSid() + "&input=Hola&timeout=" + LONG_TIMEOUT);
            call.awaitMessage(FakeTwilioCall.isEvent("mark"), Duration.ofSeconds(10));
            abandoned.close();

            HttpResponse<String> next;
            do { // the driver asks again; at most a moment passes before the call is given back
                next = server.generate(Map.of("sid", call.callSid(), "first", "true", "timeout", "5"));
            } while (next.statusCode() == 409);
            assertEquals(200, next.statusCode(), next.body());
            JsonNode answer = Json.MAPPER.readTree(next.body());
            assertEquals("utterance", answer.path("kind").asText(), next.body());
            assertEquals(1, answer.path("utterance").path("number").asInt(), next.body());
        }
    }

    @Test
    void longPollAbandonedBeforeTheCallExists_takesNothingFromTheCallWhenItComes() throws Exception {
        String callSid = FakeTwilioCall.newCallSid();
        Socket abandoned = sendGenerate("sid=" + callSid + "&first=true&timeout=" + LONG_TIMEOUT);
        Await.until("the abandoned request waiting for its call", Duration.ofSeconds(10),
                () -> server.calls().waitingForCalls() == 1);
        abandoned.close();
        Await.until("the abandoned request gone", Duration.ofSeconds(10),
                () -> server.calls().waitingForCalls() == 0);

        try (FakeTwilioCall call = server.call(callSid)) {
            call.silenceWhenIdle(true);
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            // The first utterance is still there for the driver that asks now: nobody answered the one that left.
            HttpResponse<String> first = server.generate(Map.of("sid", callSid, "first", "true", "timeout", "20"));
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), Json.MAPPER.readTree(first.body()).path("response").asText());
        }
    }

    /** Sends a /generate on a raw socket and leaves it waiting; the test then closes the socket. */
    private Socket sendGenerate(String query) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        OutputStream out = socket.getOutputStream();
        out.write(("GET /generate?" + query + " HTTP/1.1\r\nHost: test\r\nX-API-KEY: " + TestCallbridge.API_KEY
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /**
     * Until the /generate holds the call. Watched, not probed with a second request: a probe that reached the
     * call first would hold it for an instant and turn the long poll away with 409.
     */
    private void awaitHeld(String callSid) throws Exception {
        CallSession session = server.session(callSid);
        Await.until("a /generate waits on " + callSid, Duration.ofSeconds(10), session::turnHeld);
    }

    /** Asks until the call is no longer held; returns how long that took. */
    private Duration awaitFree(String callSid) throws Exception {
        long start = System.nanoTime();
        while (server.generate(Map.of("sid", callSid, "timeout", "0")).statusCode() == 409) {
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "still held: 409");
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
