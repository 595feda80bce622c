package callbridge.twilio;

import callbridge.config.Config;
import com.twilio.security.RequestValidator;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks {@code X-Twilio-Signature} ({@link TwilioSignature} says how Twilio computes it) on both requests
 * Twilio signs: the voice webhook ({@link #webhookProblem}) and the media-stream upgrade
 * ({@link #upgradeProblem}). The Twilio SDK's {@link RequestValidator} does the arithmetic. Off when no auth
 * token is configured or {@code TWILIO_VALIDATE_SIGNATURES=false}.
 */
public final class SignatureCheck {
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
     * POST form's fields (a name sent more than once: each of its distinct values, see
     * {@link TwilioSignature#signedForm}).
     */
    public Optional<String> webhookProblem(PublicAddress address, String rawPathAndQuery, Map<String, List<String>> form,
                                           Optional<String> signature) {
        return problem(address.http(rawPathAndQuery), TwilioSignature.signedForm(form), signature);
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
            return Optional.of("missing " + TwilioSignature.HEADER);
        }
        if (!validator.get().validate(publicUrl, postParameters, signature.get())) {
            return Optional.of(TwilioSignature.HEADER + " does not match " + shownUrl
                    + " (is PUBLIC_URL the address Twilio calls, and TWILIO_AUTH_TOKEN this account's?)");
        }
        return Optional.empty();
    }
}
