package callbridge.twilio;

/**
 * The two paths Twilio calls on a callbridge server: the voice webhook that Twilio POSTs when a call comes
 * in (or a placed call is answered), and the media-stream WebSocket that the webhook's TwiML points at.
 * Defined here, beside the code that serves them, and listed with every other path in
 * {@code server/Routes}; {@code talk}, {@code emulate} and the tests' Twilio reach the server through them.
 */
public final class TwilioPaths {
    /** The voice webhook: answered with TwiML that streams the call to {@link #MEDIA}. */
    public static final String VOICE_WEBHOOK = "/twilio-voice";
    /** The media-stream WebSocket; each call's stream URL is below it, {@code /media/{CallSid}/{token}} ({@link StreamBinding}). */
    public static final String MEDIA = "/media";

    private TwilioPaths() {
    }
}
