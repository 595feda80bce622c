package callbridge.call;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioSignatures;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocketHandshakeException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The /media upgrade is signed by Twilio over the exact stream URL from our TwiML, with no parameters
 * (PUBLIC_URL's https becomes wss). Checked over a real socket: only the right signature gets a stream.
 */
class MediaSignatureTest {
    private static final String STREAM_URL = "wss://calls.example.com/media";

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("TWILIO_VALIDATE_SIGNATURES", "true", "PUBLIC_URL", "https://calls.example.com"));

    @Test
    void validSignature_streamAccepted() throws Exception {
        String signature = TwilioSignatures.sign(FakeTwilioRest.AUTH_TOKEN, STREAM_URL, Map.of());
        String sid = FakeTwilioCall.newCallSid();
        try (FakeTwilioCall call = FakeTwilioCall.connect(server.mediaUri(), sid, FakeTwilioCall.newStreamSid(), Map.of(),
                Map.of("X-Twilio-Signature", signature))) {
            assertEquals(sid, server.session(call.callSid()).callSid());
        }
    }

    @Test
    void invalidSignature_403() {
        assertRefused(Map.of("X-Twilio-Signature", "Zm9yZ2VkIHNpZ25hdHVyZQ=="));
    }

    @Test
    void missingSignature_403() {
        assertRefused(Map.of());
    }

    @Test
    void signatureForAnotherUrl_403() {
        // What a wrong PUBLIC_URL looks like: Twilio signed the URL it used, we check another.
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignatures.sign(FakeTwilioRest.AUTH_TOKEN, "wss://other.example.com/media", Map.of())));
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignatures.sign(FakeTwilioRest.AUTH_TOKEN, "https://calls.example.com/media", Map.of())));
    }

    @Test
    void signedWithAnotherToken_403() {
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignatures.sign("another-token", STREAM_URL, Map.of())));
    }

    private void assertRefused(Map<String, String> headers) {
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class, () ->
                FakeTwilioCall.connect(server.mediaUri(), FakeTwilioCall.newCallSid(), FakeTwilioCall.newStreamSid(), Map.of(), headers));
        assertEquals(403, refused.getResponse().statusCode());
        assertEquals(0, server.app().sessions().size());
    }
}
