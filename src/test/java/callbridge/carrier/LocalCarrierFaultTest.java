package callbridge.carrier;

import callbridge.twilio.CallStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The "Bad input and faults", each against the carrier itself: a {@link StandInParty} plays callbridge's
 * side, another (or a raw {@link NotReadingStream}) the misbehaving agent. A call that cannot start fails
 * {@link LocalCarrier#place} at once, saying what the agent did, and callbridge's side is never dialed; a call
 * that goes wrong later ends for both parties ({@code stop} to callbridge's side) with the reason
 * {@link LocalCarrier#endedBecause} gives, while the carrier's other calls go on.
 * Each test is bounded: a carrier that hangs is a failure, not a stuck build.
 */
@Timeout(30)
class LocalCarrierFaultTest {
    private static final String FROM = "+34600000001";
    private static final String TO = "+34900000002";
    /** Twilio's 15 s would make the timeout case slow; the rule is the same. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final StandInParty callbridge = started(StandInParty.connecting(StandInParty.Behaviour.LISTENS));

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable each : closing) {
            each.close();
        }
    }

    static Stream<Arguments> webhookAnswers() {
        return Stream.of(
                Arguments.of(503, "busy", "answered HTTP 503: busy"),
                Arguments.of(200, "{\"stream\":\"ws://x\"}", "did not answer TwiML"),
                Arguments.of(200, "<Response><Say>Hola</Say></Response>", "begins with <Say>, which the local carrier does not play"),
                Arguments.of(200, "<Response><Pause length=\"1\"/></Response>", "begins with <Pause>"),
                Arguments.of(200, "<Response><Connect></Connect></Response>", "a <Connect> without a <Stream url>"),
                Arguments.of(200, "<Response></Response>", "an empty <Response>"),
                Arguments.of(200, "<Response><Hangup/></Response>", "hung up at once"),
                Arguments.of(200, "<Response><Reject reason=\"busy\"/></Response>", "rejected the call"),
                Arguments.of(200, "<Response><Play>https://example.com/a.mp3</Play></Response>", "begins with <Play>"),
                Arguments.of(200, "<Response>" + " ".repeat(64 * 1024) + "<Hangup/></Response>", "more than TwiML's 64 KB"),
                Arguments.of(200, "<Response><Connect><Stream url=\"wss://elsewhere.example/s\"/></Connect></Response>",
                        "speaks no TLS"),
                // The agent's webhook route itself: a plain HTTP answer, not 101 Switching Protocols.
                Arguments.of(200, StandInParty.CONNECT_STREAM.replace(StandInParty.STREAM, "ws://{self}/voice"),
                        "/voice did not open: WebSocket upgrade to /voice failed"),
                Arguments.of(200, StandInParty.CONNECT_STREAM.replace(StandInParty.STREAM, "ws://{self}/nothing-here"),
                        "/nothing-here did not open: WebSocket upgrade to /nothing-here failed"));
    }

    @ParameterizedTest
    @MethodSource("webhookAnswers")
    void agentAnswer_withoutAStreamToFollow_failsThePlacing_callbridgeNeverDialed(int status, String body, String expected)
            throws Exception {
        StandInParty agent = started(StandInParty.answering(status, body));

        IOException failure = assertThrows(IOException.class, () -> carrier(agent.webhook()).place(TO, FROM, callbridge.webhook(), false));

        assertTrue(failure.getMessage().startsWith("the agent"), failure.getMessage());
        assertTrue(failure.getMessage().contains(expected), failure.getMessage());
        assertEquals(0, callbridge.webhookCalls(), "callbridge's side is dialed only once the agent has answered");
    }

    @Test
    void agentWebhook_neverAnswers_failsThePlacingAfterTheTimeout() {
        StandInParty agent = started(StandInParty.neverAnswering());

        IOException failure = assertThrows(IOException.class, () -> carrier(agent.webhook()).place(TO, FROM, callbridge.webhook(), false));

        assertEquals("the agent's webhook " + agent.webhook() + " did not answer within 1 s", failure.getMessage());
        assertEquals(0, callbridge.webhookCalls());
    }

    @Test
    void agentWebhook_unreachable_failsThePlacing() throws Exception {
        StandInParty agent = StandInParty.answering(200, "");
        URI gone = agent.webhook();
        agent.close();

        IOException failure = assertThrows(IOException.class, () -> carrier(gone).place(TO, FROM, callbridge.webhook(), false));

        assertTrue(failure.getMessage().startsWith("the agent's webhook " + gone + " cannot be reached"), failure.getMessage());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("{not json", "(not JSON: "),
                Arguments.of("[\"media\"]", "(not a JSON object)"),
                Arguments.of("{\"event\":\"media\",\"media\":{\"payload\":\"%%%\"}}", "media payload is not base64"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void agentSendsMalformedMessage_endsItsCall_forBothParties(String message, String expected) throws Exception {
        StandInParty agent = started(StandInParty.connecting((connection, streamSid, call) -> connection.sendText(message)));
        String sid = carrier(agent.webhook()).place(TO, FROM, callbridge.webhook(), false);

        callbridge.call(sid).await("stop");
        String why = lastCarrier.endedBecause(sid).orElseThrow();
        assertTrue(why.startsWith("the agent sent a malformed message ("), why);
        assertTrue(why.contains(expected), why);
        assertTrue(agent.call(0).closed.await(10, TimeUnit.SECONDS), "the agent's stream is closed too");
    }

    @Test
    void agentFloods_pastTheQueuedAudioBound_callEnds_saysSo() throws Exception {
        // A second of audio a message, one message more than the bound: the carrier never holds more.
        int seconds = (int) Direction.MAX_QUEUED.toSeconds() + 1;
        StandInParty agent = started(StandInParty.connecting((connection, streamSid, call) -> {
            String second = media(streamSid, 8_000);
            for (int i = 0; i < seconds; i++) {
                connection.sendText(second);
            }
        }));
        String sid = carrier(agent.webhook()).place(TO, FROM, callbridge.webhook(), false);

        callbridge.call(sid).await("stop");
        assertEquals("the agent sent audio more than 120 s ahead of playback (Twilio plays it at real time)",
                lastCarrier.endedBecause(sid).orElseThrow());
    }

    @Test
    void agentSendsAhead_withinTheBound_callGoesOn_clearEchoesItsMarkAtOnce() throws Exception {
        // All but the last second of the bound, then a mark and a clear: Twilio echoes the mark at once.
        int seconds = (int) Direction.MAX_QUEUED.toSeconds() - 1;
        StandInParty agent = started(StandInParty.connecting((connection, streamSid, call) -> {
            String second = media(streamSid, 8_000);
            for (int i = 0; i < seconds; i++) {
                connection.sendText(second);
            }
            connection.sendText("{\"event\":\"mark\",\"streamSid\":\"" + streamSid + "\",\"mark\":{\"name\":\"after\"}}");
            connection.sendText("{\"event\":\"clear\",\"streamSid\":\"" + streamSid + "\"}");
        }));
        String sid = carrier(agent.webhook()).place(TO, FROM, callbridge.webhook(), false);

        assertEquals("after", agent.call(0).await("mark").path("mark").path("name").asText());
        assertEquals(CallStatus.IN_PROGRESS, lastCarrier.status(sid), lastCarrier.endedBecause(sid).toString());
    }

    @Test
    void agentNeverReads_callEndsPastTheWriteDeadline_callbridgeToldStop() throws Exception {
        NotReadingStream stream = started(new NotReadingStream());
        StandInParty agent = started(StandInParty.answering(200, StandInParty.CONNECT_STREAM.replace(StandInParty.STREAM, stream.url())));
        String sid = carrier(agent.webhook()).place(TO, FROM, callbridge.webhook(), false);

        callbridge.call(sid).await("stop");
        assertEquals("the agent stopped reading its media stream (a message waited over 5 s)",
                lastCarrier.endedBecause(sid).orElseThrow());
    }

    @Test
    void oneCallBroken_theCarriersOtherCallsGoOn() throws Exception {
        // Three calls to one agent: it breaks the second with a malformed message; once that call has ended,
        // the first and the third each send a mark, which the carrier echoes (no audio is queued before it).
        CountDownLatch secondEnded = new CountDownLatch(1);
        StandInParty agent = started(StandInParty.connecting((connection, streamSid, call) -> {
            if (call == 1) {
                connection.sendText("{not json");
                return;
            }
            try {
                secondEnded.await();
            } catch (InterruptedException e) {
                return;
            }
            connection.sendText("{\"event\":\"mark\",\"streamSid\":\"" + streamSid + "\",\"mark\":{\"name\":\"still-here\"}}");
        }));
        LocalCarrier carrier = carrier(agent.webhook());
        List<String> sids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sids.add(carrier.place(TO, FROM, callbridge.webhook(), false));
            agent.call(i); // started in this order, so the agent's call i is sids' i
        }

        callbridge.call(sids.get(1)).await("stop");
        secondEnded.countDown();

        for (int call : List.of(0, 2)) {
            assertEquals("still-here", agent.call(call).await("mark").path("mark").path("name").asText());
            assertEquals(CallStatus.IN_PROGRESS, carrier.status(sids.get(call)));
        }
        assertTrue(carrier.endedBecause(sids.get(1)).orElseThrow().startsWith("the agent sent a malformed message"));
    }

    private LocalCarrier lastCarrier;

    private LocalCarrier carrier(URI agent) {
        lastCarrier = LocalCarrier.to(agent, Optional.empty(), http, TIMEOUT);
        closing.add(() -> lastCarrier.endAll("the test is over"));
        return lastCarrier;
    }

    private <T extends AutoCloseable> T started(T party) {
        closing.add(party);
        return party;
    }

    private static String media(String streamSid, int bytes) {
        return "{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"payload\":\""
                + Base64.getEncoder().encodeToString(new byte[bytes]) + "\"}}";
    }
}
