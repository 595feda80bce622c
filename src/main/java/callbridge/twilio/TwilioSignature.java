package callbridge.twilio;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How Twilio signs the requests it makes (https://www.twilio.com/docs/usage/security#validating-requests):
 * {@code X-Twilio-Signature} is base64 of HMAC-SHA1, keyed with the account's auth token, over the full URL
 * (query string included) followed by each POST parameter's name and value, sorted by name. A WebSocket
 * upgrade has no parameters: only its URL is signed.
 *
 * <p>Twilio's side signs with {@link #sign}: {@code emulate}, and the tests' stand-in for Twilio. The server
 * checks signatures with the Twilio SDK's {@code RequestValidator} ({@link SignatureCheck}), so what is
 * signed here and what is checked there are computed by different code, and both are held to the values
 * Twilio's own SDKs test against.
 */
public final class TwilioSignature {
    public static final String HEADER = "X-Twilio-Signature";
    private static final String HMAC = "HmacSHA1";

    private TwilioSignature() {
    }

    /** The {@link #HEADER} value for a request to {@code url} with these POST parameters (none for a GET or an upgrade). */
    public static String sign(String authToken, String url, Map<String, String> postParameters) {
        return digest(authToken, signedText(url, postParameters));
    }

    /** What is signed: the URL as Twilio requested it, then each parameter's name and value, sorted by name. */
    static String signedText(String url, Map<String, String> postParameters) {
        StringBuilder text = new StringBuilder(url);
        new TreeMap<>(postParameters).forEach((name, value) -> text.append(name).append(value));
        return text.toString();
    }

    /** Base64 of HMAC-SHA1 over {@code text}, keyed with the auth token (both as UTF-8). */
    static String digest(String authToken, String text) {
        try {
            Mac mac = Mac.getInstance(HMAC); // one per use: a Mac is not thread-safe
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), HMAC));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides " + HMAC, e);
        }
    }

    /**
     * A form in which a name may come more than once, as one value a name, signed as Twilio signs it. Twilio's
     * other official SDKs (twilio-python's {@code compute_signature}, twilio-node's
     * {@code toFormUrlEncodedParam}) sign a repeated name as {@code name + value} for each of its distinct
     * values in sorted order; the Java SDK, like {@link #sign}, takes one value a name and signs
     * {@code name + value}. So the values {@code v1 < v2 < v3} of {@code name} become the single value
     * {@code v1 + name + v2 + name + v3}: what is signed is then exactly {@code name v1 name v2 name v3}, and a
     * name sent once is signed as before.
     */
    static Map<String, String> signedForm(Map<String, List<String>> form) {
        Map<String, String> signed = new TreeMap<>();
        form.forEach((name, values) -> signed.put(name, String.join(name, new TreeSet<>(values))));
        return signed;
    }
}
