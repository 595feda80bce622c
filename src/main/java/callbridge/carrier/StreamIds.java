package callbridge.carrier;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The identifiers of one party's side of a local call, shaped as Twilio's: two letters and 32 hex digits
 * (https://www.twilio.com/docs/glossary/what-is-a-sid). Each party has its own call, as on Twilio, where a
 * call from one number to another is two calls: the one placed, and the one the called number receives.
 */
record StreamIds(String callSid, String streamSid, String accountSid) {
    static StreamIds random(RandomGenerator random, String accountSid) {
        return new StreamIds(sid("CA", random), sid("MZ", random), accountSid);
    }

    private static String sid(String prefix, RandomGenerator random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
