package callbridge.twilio;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PublicAddressTest {

    @ParameterizedTest(name = "[{index}] {0} | {1} | {2} | {3}")
    @CsvSource(delimiter = '|', value = {
            // PUBLIC_URL                  | X-Forwarded-Proto | X-Forwarded-Host           | Host            | webhook URL                                   | stream URL
            "https://calls.example.com     |                   |                            | localhost:8001  | https://calls.example.com/twilio-voice?a=1    | wss://calls.example.com/media",
            "https://calls.example.com     | http              | evil.example               | localhost:8001  | https://calls.example.com/twilio-voice?a=1    | wss://calls.example.com/media",
            "http://calls.example.com:8080 |                   |                            |                 | http://calls.example.com:8080/twilio-voice?a=1 | ws://calls.example.com:8080/media",
            "https://example.com/bridge    |                   |                            | localhost:8001  | https://example.com/bridge/twilio-voice?a=1   | wss://example.com/bridge/media",
            "https://example.com/a%20b     |                   |                            |                 | https://example.com/a%20b/twilio-voice?a=1    | wss://example.com/a%20b/media",
            "                              |                   |                            | localhost:8001  | http://localhost:8001/twilio-voice?a=1        | ws://localhost:8001/media",
            "                              | https             | abc.ngrok.app              | localhost:8001  | https://abc.ngrok.app/twilio-voice?a=1        | wss://abc.ngrok.app/media",
            "                              | https             |                            | abc.ngrok.app   | https://abc.ngrok.app/twilio-voice?a=1        | wss://abc.ngrok.app/media",
            "                              | HTTPS             | abc.ngrok.app              |                 | https://abc.ngrok.app/twilio-voice?a=1        | wss://abc.ngrok.app/media",
            "                              | 'https, http'     | 'abc.ngrok.app, lb.internal:8001' | lb.internal | https://abc.ngrok.app/twilio-voice?a=1     | wss://abc.ngrok.app/media",
            "                              | ' https '         | ' calls.example.com '      |                 | https://calls.example.com/twilio-voice?a=1    | wss://calls.example.com/media",
            "                              | http              | calls.example.com:8443     |                 | http://calls.example.com:8443/twilio-voice?a=1 | ws://calls.example.com:8443/media",
            "                              | gopher            | calls.example.com          |                 | http://calls.example.com/twilio-voice?a=1     | ws://calls.example.com/media",
            "                              |                   |                            | [::1]:8001      | http://[::1]:8001/twilio-voice?a=1            | ws://[::1]:8001/media",
            "                              |                   |                            |                 | http://localhost/twilio-voice?a=1             | ws://localhost/media",
            "                              | https             | ''                         | abc.ngrok.app   | https://abc.ngrok.app/twilio-voice?a=1        | wss://abc.ngrok.app/media",
            "                              |                   |                            | ''              | http://localhost/twilio-voice?a=1             | ws://localhost/media",
    })
    void of_buildsTheAddressTwilioUses(String publicUrl, String forwardedProto, String forwardedHost, String host,
                                        String webhookUrl, String streamUrl) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (forwardedProto != null) {
            headers.put("X-Forwarded-Proto", forwardedProto);
        }
        if (forwardedHost != null) {
            headers.put("X-Forwarded-Host", forwardedHost);
        }
        if (host != null) {
            headers.put("Host", host);
        }
        PublicAddress address = PublicAddress.of(Optional.ofNullable(publicUrl).map(URI::create),
                name -> Optional.ofNullable(headers.get(name)));
        assertEquals(webhookUrl, address.http("/twilio-voice?a=1"));
        assertEquals(streamUrl, address.webSocket("/media"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/twilio-voice                  | https://calls.example.com/twilio-voice",
            "/twilio-voice?                 | https://calls.example.com/twilio-voice?",
            "/twilio-voice?x=a%20b&y=%2B1   | https://calls.example.com/twilio-voice?x=a%20b&y=%2B1",
            "/a%2Fb                         | https://calls.example.com/a%2Fb",
    })
    void http_keepsPathAndQueryAsSent(String target, String url) {
        PublicAddress address = PublicAddress.of(Optional.of(URI.create("https://calls.example.com")), name -> Optional.empty());
        assertEquals(url, address.http(target));
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"bad host", "a\"b", "<x>"})
    void of_hostThatCannotBeInAUrl_isRejected(String host) {
        assertThrows(IllegalArgumentException.class,
                () -> PublicAddress.of(Optional.empty(), name -> name.equals("Host") ? Optional.of(host) : Optional.empty()));
    }
}
