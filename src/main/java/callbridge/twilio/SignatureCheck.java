package callbridge.twilio;

import callbridge.config.Config;
import com.twilio.security.RequestValidator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks {@code X-Twilio-Signature} (https://www.twilio.com/docs/usage/security#validating-requests):
 * base64 of HMAC-SHA1, keyed with the auth token, over the full public URL followed by each POST
 * parameter's name and value sorted by name (a name sent more than once: each of its distinct values, sorted;
 * see {@link #signedForm}). Both requests Twilio signs are checked here: the voice
 * webhook ({@link #webhookProblem}) and the media-stream upgrade ({@link #upgradeProblem}). The Twilio
 * SDK's {@link RequestValidator} does the arithmetic. Off when no auth token is configured or
 * {@code TWILIO_VALIDATE_SIGNATURES=false}.
 */
public final class SignatureCheck {
    public static final String HEADER = "X-Twilio-Signature";

    private final Optional<RequestValidator> validator;

    private SignatureCheck(Optional<RequestValidator> validator) {
        this.validator = validator;
    }

    public static SignatureCheck from(Config.Twilio twilio) {
        return new SignatureCheck(twilio.validateSignatures()
                ? twilio.authToken().map(token -> new RequestValidator(token.value()))
                : Optional.empty());
    }

    /**
     * The webhook: signed over its public URL as Twilio requested it, query string included, and the
     * POST form's fields.
     */
    public Optional<String> webhookProblem(PublicAddress address, String rawPathAndQuery, Map<String, List<String>> form,
                                           Optional<String> signature) {
        return problem(address.http(rawPathAndQuery), signedForm(form), signature);
    }

    /**
     * The form as the SDK's {@link RequestValidator} signs it, one value a name, when a name may come with
     * several. Twilio's other official SDKs (twilio-python's {@code compute_signature}, twilio-node's
     * {@code toFormUrlEncodedParam}) sign a repeated name as {@code name + value} for each of its distinct
     * values in sorted order; the Java SDK takes one value a name and signs {@code name + value}. So the
     * values {@code v1 < v2 < v3} of {@code name} become the single value {@code v1 + name + v2 + name + v3}:
     * the SDK then signs exactly {@code name v1 name v2 name v3}, and a name sent once is signed as before.
     */
    static Map<String, String> signedForm(Map<String, List<String>> form) {
        Map<String, String> signed = new TreeMap<>();
        form.forEach((name, values) -> signed.put(name, String.join(name, new TreeSet<>(values))));
        return signed;
    }

    /**
     * The {@code /media} upgrade: signed over the exact stream URL from our TwiML, path included, with no
     * parameters (https://www.twilio.com/docs/voice/media-streams#websocket-security).
     */
    public Optional<String> upgradeProblem(PublicAddress address, String target, Optional<String> signature) {
        // The stream URL's last segment is the call's stream token: the problem, which is logged, shows "..." instead.
        String shown = address.webSocket(target.substring(0, target.lastIndexOf('/') + 1) + "...");
        return problem(address.webSocket(target), shown, Map.of(), signature);
    }

    /** Why the request fails the check, or empty when it passes (or checking is off). */
    public Optional<String> problem(String publicUrl, Map<String, String> postParameters, Optional<String> signature) {
        return problem(publicUrl, publicUrl, postParameters, signature);
    }

    /** As {@link #problem(String, Map, Optional)}, naming the URL as {@code shownUrl} in the answer. */
    private Optional<String> problem(String publicUrl, String shownUrl, Map<String, String> postParameters,
                                     Optional<String> signature) {
        if (validator.isEmpty()) {
            return Optional.empty();
        }
        if (signature.isEmpty() || signature.get().isBlank()) {
            return Optional.of("missing " + HEADER);
        }
        if (!validator.get().validate(publicUrl, postParameters, signature.get())) {
            return Optional.of(HEADER + " does not match " + shownUrl
                    + " (is PUBLIC_URL the address Twilio calls, and TWILIO_AUTH_TOKEN this account's?)");
        }
        return Optional.empty();
    }
}
