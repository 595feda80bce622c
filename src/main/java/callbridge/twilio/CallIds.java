package callbridge.twilio;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The identifiers of one side of a call, shaped as Twilio's: two letters and 32 hex digits
 * (https://www.twilio.com/docs/glossary/what-is-a-sid): its CallSid, its stream's StreamSid, the account. On
 * Twilio a call from one number to another is two calls, each with its own: the one placed, and the one the
 * called number receives.
 */
public record CallIds(String callSid, String streamSid, String accountSid) {
    public static CallIds random(RandomGenerator random, String accountSid) {
        return new CallIds(sid("CA", random), sid("MZ", random), accountSid);
    }

    private static String sid(String prefix, RandomGenerator random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
