package callbridge.emulate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signs a request as Twilio does (https://www.twilio.com/docs/usage/security#validating-requests): base64
 * of HMAC-SHA1, keyed with the account's auth token, over the full URL followed by each POST parameter's
 * name and value, sorted by name. A WebSocket upgrade has no parameters: only its URL is signed.
 */
final class TwilioSignature {
    static final String HEADER = "X-Twilio-Signature";

    private TwilioSignature() {
    }

    static String sign(String authToken, String url, Map<String, String> postParameters) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(postParameters).forEach((name, value) -> data.append(name).append(value));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA1", e);
        }
    }
}
