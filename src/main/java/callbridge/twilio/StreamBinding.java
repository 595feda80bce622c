package callbridge.twilio;

import callbridge.call.CallSids;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds each media stream to the one call it was made for. The voice webhook answers with a stream URL
 * whose path carries the call's CallSid and a token, {@code /media/{CallSid}/{token}}, where the token is
 * HMAC-SHA256 of the CallSid keyed with a server secret. Only this server (or one sharing its
 * {@code STREAM_SECRET}) can make a token, so a stream that presents a valid one was handed out by our own
 * webhook for that very call: without it, any client could quote a live CallSid and take the call over or
 * hang it up.
 *
 * <p>The binding travels in the path because Twilio drops a query string from a {@code <Stream>} URL
 * (https://www.twilio.com/docs/voice/twiml/stream; errors 31920 and 31922 say to use {@code <Parameter>}s
 * instead). The path is also part of the URL Twilio signs for the upgrade, so its signature is per call too.
 * A reconnecting stream uses the same URL, so it still works.
 */
public final class StreamBinding {
    /** A shorter secret would make the token easier to forge than the HMAC is to break. */
    public static final int MIN_SECRET_BYTES = 32;
    /** base64url without padding (RFC 4648 section 5): the token needs no escaping in a URL path. */
    private static final Pattern STREAM_PATH = Pattern.compile(
            Pattern.quote(TwilioPaths.MEDIA) + "/(" + CallSids.REGEX + ")/([A-Za-z0-9_-]{1,100})");
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;

    private StreamBinding(byte[] secret) {
        this.key = new SecretKeySpec(secret, HMAC);
    }

    /** Tokens that every instance sharing {@code secret} accepts (and that survive a restart). */
    public static StreamBinding withSecret(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a stream secret needs at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new StreamBinding(bytes);
    }

    /** A secret made now and kept only in memory: tokens are good for this process alone. */
    public static StreamBinding withRandomSecret() {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return new StreamBinding(secret);
    }

    /** The path of the call's stream URL, as put in TwiML. */
    public String path(String callSid) {
        if (!CallSids.isCallSid(callSid)) {
            throw new IllegalArgumentException("not a Twilio CallSid: " + callSid);
        }
        return TwilioPaths.MEDIA + "/" + callSid + "/" + token(callSid);
    }

    /**
     * The CallSid a request path is bound to, or empty when the path is not {@code /media/{CallSid}/{token}}
     * with the right token for that CallSid.
     */
    public Optional<String> boundCallSid(String path) {
        Matcher matcher = STREAM_PATH.matcher(path);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String callSid = matcher.group(1);
        // Compared in constant time, so response timing does not reveal how much of a guess was right.
        boolean valid = MessageDigest.isEqual(token(callSid).getBytes(StandardCharsets.US_ASCII),
                matcher.group(2).getBytes(StandardCharsets.US_ASCII));
        return valid ? Optional.of(callSid) : Optional.empty();
    }

    private String token(String callSid) {
        try {
            Mac mac = Mac.getInstance(HMAC); // one per use: a Mac is not thread-safe
            mac.init(key);
            byte[] digest = mac.doFinal(callSid.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides " + HMAC, e);
        }
    }
}
