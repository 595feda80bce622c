package callbridge.emulate;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The identifiers of one emulated call, shaped as Twilio's: two letters and 32 hex digits
 * (https://www.twilio.com/docs/glossary/what-is-a-sid).
 */
record CallIds(String callSid, String streamSid, String accountSid) {
    static CallIds random(RandomGenerator random, String accountSid) {
        return new CallIds(sid("CA", random), sid("MZ", random), accountSid);
    }

    private static String sid(String prefix, RandomGenerator random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
