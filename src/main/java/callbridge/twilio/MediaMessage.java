package callbridge.twilio;

import callbridge.json.Json;

import java.nio.charset.StandardCharsets;

/**
 * One call's inbound {@code media} message as Twilio sends it
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages#media-message), written as UTF-8 into
 * an array this object keeps and rewrites for every frame: the one writer of that message, for {@code emulate}
 * and the tests' stand-in for Twilio; {@code emulate}'s per-frame work it is at 50 frames a second a
 * call, so it allocates nothing. From one frame to the next only the sequence number, chunk, timestamp (as
 * decimal digits in strings, as Twilio sends numbers) and the base64 payload change, so the text between
 * them is constant bytes and the numbers' digits are written in place; the stream id is escaped once, here.
 * Not thread-safe: one sender writes it.
 */
public final class MediaMessage {
    private static final byte[] BEFORE_SEQUENCE = ascii("{\"event\":\"media\",\"sequenceNumber\":\"");
    private static final byte[] BEFORE_CHUNK = ascii("\",\"media\":{\"track\":\"" + TwilioMessages.INBOUND + "\",\"chunk\":\"");
    private static final byte[] BEFORE_TIMESTAMP = ascii("\",\"timestamp\":\"");
    private static final byte[] BEFORE_PAYLOAD = ascii("\",\"payload\":\"");
    /** Digits in {@link Long#MAX_VALUE}: the most a number here takes. */
    private static final int MAX_DIGITS = 19;

    /** Everything after the payload, the stream id included: fixed for the call. */
    private final byte[] end;
    private byte[] bytes = new byte[0];

    public MediaMessage(String streamSid) {
        this.end = ("\"},\"streamSid\":" + Json.write(streamSid) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the message for one frame over the previous one.
     *
     * @param sequence      the stream's message count, this one included
     * @param chunk         1-based count of media messages on this stream
     * @param timestamp     milliseconds since the stream started
     * @param payloadBase64 the frame's audio, base64 in ASCII; only read
     * @return the message's length: it is the first that many bytes of {@link #bytes()}
     */
    public int write(long sequence, long chunk, long timestamp, byte[] payloadBase64) {
        if (sequence < 0 || chunk < 0 || timestamp < 0) {
            throw new IllegalArgumentException("counts are not negative: sequence " + sequence + ", chunk " + chunk
                    + ", timestamp " + timestamp);
        }
        int longest = BEFORE_SEQUENCE.length + BEFORE_CHUNK.length + BEFORE_TIMESTAMP.length + BEFORE_PAYLOAD.length
                + 3 * MAX_DIGITS + payloadBase64.length + end.length;
        if (bytes.length < longest) {
            bytes = new byte[longest]; // the first frame only: every frame's payload has the same length
        }
        int at = put(0, BEFORE_SEQUENCE);
        at = putDigits(at, sequence);
        at = put(at, BEFORE_CHUNK);
        at = putDigits(at, chunk);
        at = put(at, BEFORE_TIMESTAMP);
        at = putDigits(at, timestamp);
        at = put(at, BEFORE_PAYLOAD);
        at = put(at, payloadBase64);
        return put(at, end);
    }

    /** The array the last {@link #write} wrote to; the same array until a longer message needs a larger one. */
    public byte[] bytes() {
        return bytes;
    }

    private int put(int at, byte[] constant) {
        System.arraycopy(constant, 0, bytes, at, constant.length);
        return at + constant.length;
    }

    /** The digits {@link Long#toString(long)} gives for a value that is not negative, without the String. */
    private int putDigits(int at, long value) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        long rest = value;
        for (int i = at + digits - 1; i >= at; i--) {
            bytes[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return at + digits;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
