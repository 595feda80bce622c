package callbridge.call;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioDialer;
import callbridge.websocket.CloseCodes;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Streams are bound to their calls: a stream joins only the call whose URL (CallSid and token, handed out
 * by our webhook) it opened, so no client can take over, hang up or complete a call it was not given.
 * Signature checks are off here, as in local work, where nothing else stands in the way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamHijackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void secondStreamForALiveCall_withoutItsToken_isRefused_andTheCallGoesOn() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            String sid = call.callSid();
            String streamSid = server.session(sid).streamSid();
            String otherCallsToken = tokenOf(server.twilio().webhook(FakeTwilioCall.newCallSid()).url());
            for (String path : List.of("/media", "/media/" + sid, "/media/" + sid + "/forged", "/media/" + sid + "/" + otherCallsToken)) {
                assertRefused(path, sid);
            }
            assertEquals(streamSid, server.session(sid).streamSid(), "the call's stream was replaced");
            assertFalse(call.closed().isDone(), "the call's stream was closed");
            assertEquals(List.of(), server.twilioRest().updates());
        }
    }

    @Test
    void streamForACallTheServerNeverSaw_isRefused_andNothingIsCompletedAtTwilio() throws Exception {
        String unknown = FakeTwilioCall.newCallSid();
        assertRefused("/media", unknown);
        assertRefused("/media/" + unknown + "/" + "A".repeat(43), unknown);
        assertEquals(0, server.calls().size());
        // A call the server does know ends normally and is completed: the only completion there is.
        try (FakeTwilioCall known = server.call()) {
            server.session(known.callSid());
        }
        server.twilioRest().awaitUpdates(1, WAIT);
        assertEquals(List.of(), server.twilioRest().updatesFor(unknown));
    }

    @Test
    void startNamingAnotherCall_closesTheStreamWith1008_andTouchesNeitherCall() throws Exception {
        try (FakeTwilioCall victim = server.call()) {
            String victimStream = server.session(victim.callSid()).streamSid();
            String bound = FakeTwilioCall.newCallSid();
            TwilioDialer.Stream stream = server.twilio().webhook(bound);
            FakeTwilioCall hijacker = FakeTwilioCall.connect(server.twilio().local(stream.url()), victim.callSid(),
                    FakeTwilioCall.newStreamSid(), Map.of(), Map.of());
            assertEquals(CloseCodes.POLICY_VIOLATION, hijacker.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(victimStream, server.session(victim.callSid()).streamSid(), "the victim's stream was replaced");
            assertFalse(victim.closed().isDone(), "the victim's stream was closed");
            assertEquals(1, server.calls().size());
            hijacker.close();
        }
        server.twilioRest().awaitUpdates(1, WAIT);
        assertEquals(1, server.twilioRest().updates().size(), server.twilioRest().updates().toString());
    }

    @Test
    void restartedStream_atTheSameUrl_takesOverItsOwnCall_whichGoesOn() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        TwilioDialer.Stream stream = server.twilio().webhook(sid);
        URI url = server.twilio().local(stream.url());
        try (FakeTwilioCall first = FakeTwilioCall.connect(url, sid, FakeTwilioCall.newStreamSid(), stream.parameters(), Map.of())) {
            server.session(sid);
            try (FakeTwilioCall second = FakeTwilioCall.connect(url, sid, FakeTwilioCall.newStreamSid(), stream.parameters(), Map.of())) {
                assertEquals(CloseCodes.NORMAL, first.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(second.streamSid(), server.session(sid).streamSid());
                assertFalse(server.session(sid).hasEnded());
                assertEquals(List.of(), server.twilioRest().updatesFor(sid));
            }
        }
    }

    private void assertRefused(String path, String callSid) {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + path);
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class, () ->
                FakeTwilioCall.connect(uri, callSid, FakeTwilioCall.newStreamSid(), Map.of(), Map.of()), path);
        assertEquals(403, refused.getResponse().statusCode(), path);
    }

    private static String tokenOf(String streamUrl) {
        return streamUrl.substring(streamUrl.lastIndexOf('/') + 1);
    }
}
