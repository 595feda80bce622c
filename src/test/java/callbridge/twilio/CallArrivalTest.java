package callbridge.twilio;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallArrivalTest {
    private static final CallIds IDS = new CallIds("CA" + "1".repeat(32), "MZ" + "2".repeat(32), "AC" + "3".repeat(32));

    @Test
    void form_inboundRinging_outboundApiInProgress_asTwilioPosts() {
        Map<String, String> inbound = CallArrival.form(IDS, "+34600000001", "+34900000002", true);
        Map<String, String> outbound = CallArrival.form(IDS, "+34600000001", "+34900000002", false);

        assertEquals(Map.of("CallSid", IDS.callSid(), "AccountSid", IDS.accountSid(), "From", "+34600000001",
                "To", "+34900000002", "Caller", "+34600000001", "Called", "+34900000002", "CallStatus", "ringing",
                "Direction", "inbound", "ApiVersion", "2010-04-01"), inbound);
        assertEquals("in-progress", outbound.get("CallStatus"));
        assertEquals("outbound-api", outbound.get("Direction"));
    }

    @Test
    void webhookRequest_postedWhereAsked_signedOverTheConfiguredUrl() {
        Map<String, String> form = CallArrival.form(IDS, "+34600000001", "+34900000002", true);
        URI loopback = URI.create("http://127.0.0.1:8001/twilio-voice");
        URI configured = URI.create("https://abc.ngrok.app/twilio-voice");

        HttpRequest signed = CallArrival.webhookRequest(loopback, configured, form, Optional.of("token"), Duration.ofSeconds(1));
        HttpRequest unsigned = CallArrival.webhookRequest(loopback, configured, form, Optional.empty(), Duration.ofSeconds(1));

        assertEquals(loopback, signed.uri());
        assertEquals("POST", signed.method());
        assertEquals(Optional.of("application/x-www-form-urlencoded"), signed.headers().firstValue("Content-Type"));
        assertEquals(Optional.of(TwilioSignature.sign("token", configured.toString(), form)),
                signed.headers().firstValue(TwilioSignature.HEADER));
        assertTrue(unsigned.headers().firstValue(TwilioSignature.HEADER).isEmpty());
    }
}
