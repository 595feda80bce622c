package callbridge.twilio;

import static callbridge.twilio.TwilioSignature.sign;

import callbridge.config.Config;
import callbridge.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code X-Twilio-Signature} (https://www.twilio.com/docs/usage/security#validating-requests) checked by the
 * Twilio SDK, against signatures made by {@link TwilioSignature}: code independent of the SDK, held to the
 * values Twilio publishes ({@link TwilioSignatureTest}).
 */
class SignatureCheckTest {
    private static final String TOKEN = "12345";
    private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static final Map<String, String> PARAMS = Map.of(
            "CallSid", "CA1234567890ABCDE", "Caller", "+14158675309", "Digits", "1234",
            "From", "+14158675309", "To", "+18005551212");
    private static final SignatureCheck CHECK = SignatureCheck.from(twilio(Optional.of(TOKEN), true));

    @Test
    void problem_validSignature_passes() {
        assertEquals(Optional.empty(), CHECK.problem(URL, PARAMS, Optional.of(sign(TOKEN, URL, PARAMS))));
    }

    @Test
    void problem_mediaUpgradeSignedOverTheStreamUrlAlone_passes() {
        String stream = "wss://abc.ngrok.app/media";
        assertEquals(Optional.empty(), CHECK.problem(stream, Map.of(), Optional.of(sign(TOKEN, stream, Map.of()))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http instead of https    | http://mycompany.com/myapp.php?foo=1&bar=2",
            "another host             | https://othercompany.com/myapp.php?foo=1&bar=2",
            "another path             | https://mycompany.com/other.php?foo=1&bar=2",
            "query dropped            | https://mycompany.com/myapp.php",
            "query reordered          | https://mycompany.com/myapp.php?bar=2&foo=1",
    })
    void problem_signatureForAnotherUrl_fails(String name, String signedUrl) {
        Optional<String> problem = CHECK.problem(URL, PARAMS, Optional.of(sign(TOKEN, signedUrl, PARAMS)));
        assertTrue(problem.orElseThrow().contains("does not match " + URL), problem.get());
    }

    @Test
    void upgradeProblem_wrongSignature_namesTheStreamUrlWithoutItsToken() {
        String token = "s3cr3t-stream-token";
        PublicAddress address = PublicAddress.of(Optional.of(URI.create("https://abc.ngrok.app")), name -> Optional.empty());
        Optional<String> problem = CHECK.upgradeProblem(address, "/media/CA0123/" + token, Optional.of("forged"));
        // The problem is logged: whoever read the token could open the call's stream.
        assertTrue(problem.orElseThrow().contains("does not match wss://abc.ngrok.app/media/CA0123/..."), problem.get());
        assertFalse(problem.get().contains(token), problem.get());
    }

    @Test
    void problem_parameterChanged_fails() {
        Map<String, String> tampered = new TreeMap<>(PARAMS);
        tampered.put("To", "+18005550000");
        assertTrue(CHECK.problem(URL, tampered, Optional.of(sign(TOKEN, URL, PARAMS))).isPresent());
    }

    @Test
    void problem_parameterAdded_fails() {
        Map<String, String> more = new TreeMap<>(PARAMS);
        more.put("CallStatus", "ringing");
        assertTrue(CHECK.problem(URL, more, Optional.of(sign(TOKEN, URL, PARAMS))).isPresent());
    }

    @Test
    void problem_otherToken_fails() {
        assertTrue(CHECK.problem(URL, PARAMS, Optional.of(sign("54321", URL, PARAMS))).isPresent());
    }

    @Test
    void problem_garbledSignature_fails() {
        String signature = sign(TOKEN, URL, PARAMS);
        String garbled = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
        assertTrue(CHECK.problem(URL, PARAMS, Optional.of(garbled)).isPresent());
        assertTrue(CHECK.problem(URL, PARAMS, Optional.of("not base64 at all!")).isPresent());
    }

    @ParameterizedTest(name = "signature \"{0}\"")
    @CsvSource(value = {"''", "'   '"})
    void problem_blankSignature_isMissing(String signature) {
        assertEquals(Optional.of("missing X-Twilio-Signature"), CHECK.problem(URL, PARAMS, Optional.of(signature)));
    }

    @Test
    void problem_noSignature_isMissing() {
        assertEquals(Optional.of("missing X-Twilio-Signature"), CHECK.problem(URL, PARAMS, Optional.empty()));
    }

    @Test
    void problem_noAuthToken_checkIsOffAndEverythingPasses() {
        SignatureCheck off = SignatureCheck.from(twilio(Optional.empty(), true));
        assertEquals(Optional.empty(), off.problem(URL, PARAMS, Optional.empty()));
        assertEquals(Optional.empty(), off.problem(URL, PARAMS, Optional.of("forged")));
    }

    @Test
    void problem_validationSwitchedOff_checkIsOffAndEverythingPasses() {
        SignatureCheck off = SignatureCheck.from(twilio(Optional.of(TOKEN), false));
        assertEquals(Optional.empty(), off.problem(URL, PARAMS, Optional.empty()));
        assertEquals(Optional.empty(), off.problem(URL, PARAMS, Optional.of("forged")));
    }

    static Config.Twilio twilio(Optional<String> authToken, boolean validateSignatures) {
        return new Config.Twilio(Optional.of("AC0123456789abcdef0123456789abcdef"), authToken.map(Secret::new),
                URI.create("https://api.twilio.com"), validateSignatures, Optional.empty());
    }
}
