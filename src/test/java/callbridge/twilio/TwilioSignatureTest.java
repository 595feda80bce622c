package callbridge.twilio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Signatures as Twilio computes them, held to the example Twilio's own SDKs test against: auth token
 * {@code 12345}, URL {@code https://mycompany.com/myapp.php?foo=1&bar=2} and five POST parameters. The
 * values are those of twilio-java {@code src/test/java/com/twilio/security/RequestValidatorTest.java}
 * (https://github.com/twilio/twilio-java) and twilio-python {@code tests/unit/test_request_validator.py}
 * (https://github.com/twilio/twilio-python), which also has the example with a repeated name.
 */
class TwilioSignatureTest {
    private static final String TOKEN = "12345";
    private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";

    /** In the order twilio-java's test puts them, which is not sorted: a signer that does not sort fails. */
    private static Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("Digits", "1234");
        parameters.put("CallSid", "CA1234567890ABCDE");
        parameters.put("To", "+18005551212");
        parameters.put("Caller", "+14158675309");
        parameters.put("From", "+14158675309");
        return parameters;
    }

    @Test
    void sign_twilioSdksExample_isTheirSignature() {
        assertEquals("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.sign(TOKEN, URL, parameters()));
    }

    @Test
    void signedText_isTheUrlThenEachNameAndValue_sortedByName() {
        assertEquals(URL + "CallSidCA1234567890ABCDE" + "Caller+14158675309" + "Digits1234" + "From+14158675309"
                + "To+18005551212", TwilioSignature.signedText(URL, parameters()));
    }

    /** The URL is signed as given: the SDKs' tests sign it with a port too, and each port is another signature. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "https://mycompany.com:443/myapp.php?foo=1&bar=2  | kvajT1Ptam85bY51eRf/AJRuM3w=",
            "http://mycompany.com:80/myapp.php?foo=1&bar=2    | 0ZXoZLH/DfblKGATFgpif+LLRf4=",
            "http://mycompany.com:1234/myapp.php?foo=1&bar=2  | Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
    })
    void sign_twilioSdksExample_withAPort(String url, String signature) {
        assertEquals(signature, TwilioSignature.sign(TOKEN, url, parameters()));
    }

    @Test
    void sign_aNameSentTwice_twilioPythonsExample() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("Sid", List.of("CA123"));
        form.put("SidAccount", List.of("AC123"));
        form.put("Digits", List.of("5678", "1234")); // signed in sorted order: Digits1234Digits5678
        assertEquals("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignature.sign(TOKEN, URL, TwilioSignature.signedForm(form)));
    }

    @Test
    void sign_anUpgrade_signsItsUrlAlone() {
        String stream = "wss://abc.ngrok.app/media/CA0123/token";
        assertEquals(TwilioSignature.digest(TOKEN, stream), TwilioSignature.sign(TOKEN, stream, Map.of()));
    }
}
