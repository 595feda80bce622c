package callbridge.call;

import java.util.regex.Pattern;

/**
 * The shape of a Twilio CallSid, {@code CA} and 32 hex digits (https://www.twilio.com/docs/glossary/what-is-a-sid).
 * A CallSid names a call's record and recording files, so only this shape may become part of a path: it
 * has no separator, no dot and no room for anything else.
 */
public final class CallSids {
    /** The shape as a regular expression, for patterns that contain a CallSid (a stream URL's path). */
    public static final String REGEX = "CA[0-9a-fA-F]{32}";
    private static final Pattern CALL_SID = Pattern.compile(REGEX);

    private CallSids() {
    }

    public static boolean isCallSid(String text) {
        return text != null && CALL_SID.matcher(text).matches();
    }
}
