package callbridge.testing;

import callbridge.twilio.MediaMessage;
import callbridge.twilio.TwilioMessages;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One frame of the caller's audio as a string, as the tests' Twilio sends it beside {@link TwilioMessages}
 * (every other message of Twilio's side, keys pressed included): only the tests need it, the product
 * writing frames into a reused buffer. Numbers as strings, as Twilio sends them.
 */
public final class TestTwilioMessages {
    private TestTwilioMessages() {
    }

    /** One frame of the caller's audio, raw mu-law, written by {@link MediaMessage} as {@code emulate} writes every frame. */
    public static String media(long sequenceNumber, String streamSid, long chunk, long timestampMillis, byte[] mulaw) {
        MediaMessage message = new MediaMessage(streamSid);
        int length = message.write(sequenceNumber, chunk, timestampMillis, Base64.getEncoder().encode(mulaw));
        return new String(message.bytes(), 0, length, StandardCharsets.UTF_8);
    }
}
