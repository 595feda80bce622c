package callbridge.testing;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test Twilio reads TwiML as Twilio does: a query string on the stream URL is dropped, parameters kept. */
class TwilioDialerTest {

    @Test
    void streamOf_dropsTheQueryString_andKeepsTheParameters() {
        TwilioDialer.Stream stream = TwilioDialer.streamOf("""
                <?xml version="1.0" encoding="UTF-8"?>
                <Response><Connect><Stream url="wss://h.example/media/CA1/t?token=x&amp;y=1">\
                <Parameter name="From" value="+1"/><Parameter name="To" value="+2"/>\
                </Stream></Connect></Response>""");
        assertEquals("wss://h.example/media/CA1/t", stream.url());
        assertEquals(Map.of("From", "+1", "To", "+2"), stream.parameters());
    }

    @Test
    void local_isThePathOnLoopback_lessThePublicUrlsOwnPath() {
        TwilioDialer behindProxy = new TwilioDialer(8001, Optional.of(URI.create("https://h.example/bridge")), "t");
        assertEquals(URI.create("ws://127.0.0.1:8001/media/CA1/t"), behindProxy.local("wss://h.example/bridge/media/CA1/t"));
        assertEquals(URI.create("ws://127.0.0.1:8001/media/CA1/t"), TwilioDialer.loopback(8001).local("ws://127.0.0.1:8001/media/CA1/t"));
    }
}
