package callbridge.call;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioDialer;
import callbridge.twilio.TwilioSignature;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocketHandshakeException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The /media upgrade is signed by Twilio over the exact stream URL from our TwiML, path included, with no
 * parameters (PUBLIC_URL's https becomes wss). Checked over a real socket: only the right signature over
 * the call's own stream URL gets a stream.
 */
class MediaSignatureTest {
    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("TWILIO_VALIDATE_SIGNATURES", "true", "PUBLIC_URL", "https://calls.example.com"));
    private final String callSid = FakeTwilioCall.newCallSid();

    @Test
    void validSignature_streamAccepted() throws Exception {
        try (FakeTwilioCall call = server.call(callSid)) {
            assertEquals(callSid, server.session(call.callSid()).callSid());
        }
    }

    @Test
    void streamUrl_isTheCallsOwnPathOnThePublicHost() throws Exception {
        String url = server.twilio().webhook(callSid).url();
        assertTrue(url.startsWith("wss://calls.example.com/media/" + callSid + "/"), url);
    }

    @Test
    void invalidSignature_403() throws Exception {
        assertRefused(Map.of("X-Twilio-Signature", "Zm9yZ2VkIHNpZ25hdHVyZQ=="));
    }

    @Test
    void missingSignature_403() throws Exception {
        assertRefused(Map.of());
    }

    @Test
    void signatureForAnotherUrl_403() throws Exception {
        // What a wrong PUBLIC_URL looks like: Twilio signed the URL it used, we check another.
        String path = pathOf(server.twilio().webhook(callSid).url());
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignature.sign(FakeTwilioRest.AUTH_TOKEN, "wss://other.example.com" + path, Map.of())));
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignature.sign(FakeTwilioRest.AUTH_TOKEN, "https://calls.example.com" + path, Map.of())));
    }

    @Test
    void signatureOverTheBareMediaUrl_403() throws Exception {
        // Before streams were bound to calls, every stream was signed over this one URL, valid for any call.
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignature.sign(FakeTwilioRest.AUTH_TOKEN, "wss://calls.example.com/media", Map.of())));
    }

    @Test
    void signatureOverAnotherCallsStreamUrl_403() throws Exception {
        String other = server.twilio().webhook(FakeTwilioCall.newCallSid()).url();
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignature.sign(FakeTwilioRest.AUTH_TOKEN, other, Map.of())));
    }

    @Test
    void signedWithAnotherToken_403() throws Exception {
        String url = server.twilio().webhook(callSid).url();
        assertRefused(Map.of("X-Twilio-Signature", TwilioSignature.sign("another-token", url, Map.of())));
    }

    private void assertRefused(Map<String, String> headers) throws Exception {
        TwilioDialer.Stream stream = server.twilio().webhook(callSid);
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class, () ->
                FakeTwilioCall.connect(server.twilio().local(stream.url()), callSid, FakeTwilioCall.newStreamSid(),
                        stream.parameters(), headers));
        assertEquals(403, refused.getResponse().statusCode());
        assertEquals(0, server.calls().size());
    }

    private static String pathOf(String url) {
        return java.net.URI.create(url).getRawPath();
    }
}
