package callbridge.twilio;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The media message written into a reused array: byte for byte the String the generator built before it,
 * for numbers across every digit count, and read by the server's codec as the frame it describes.
 */
class MediaMessageTest {
    private static final String STREAM_SID = "MZ" + "0123456789abcdef".repeat(2);
    private static final byte[] PAYLOAD = Base64.getEncoder().encode(frameOf((byte) 0xFF));

    /** The message as one plain concatenation: the reference the reused array must match. */
    private static String concatenated(long sequence, String streamSid, long chunk, long timestamp, String payloadBase64) {
        return "{\"event\":\"media\",\"sequenceNumber\":\"" + sequence + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\""
                + chunk + "\",\"timestamp\":\"" + timestamp + "\",\"payload\":\"" + payloadBase64
                + "\"},\"streamSid\":\"" + streamSid + "\"}";
    }

    @Test
    void write_isByteForByteTheConcatenatedString_acrossDigitCounts() {
        // 0, each power of ten with its neighbours (every digit count and carry) up to Long.MAX_VALUE's 19 digits.
        List<Long> values = LongStream.concat(LongStream.of(0, 1, 42, 1_234_567, Long.MAX_VALUE),
                LongStream.rangeClosed(1, 18).flatMap(n -> LongStream.of(pow10(n) - 1, pow10(n), pow10(n) + 1))).boxed().toList();
        MediaMessage message = new MediaMessage(STREAM_SID);
        String payload = new String(PAYLOAD, StandardCharsets.US_ASCII);
        for (long sequence : values) {
            for (long chunk : values) {
                for (long timestamp : values) {
                    int length = message.write(sequence, chunk, timestamp, PAYLOAD);
                    String expected = concatenated(sequence, STREAM_SID, chunk, timestamp, payload);
                    if (!Arrays.equals(expected.getBytes(StandardCharsets.UTF_8), 0, expected.length(), message.bytes(), 0, length)) {
                        assertEquals(expected, new String(message.bytes(), 0, length, StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    @Test
    void write_shorterAfterLonger_leavesNoTailOfTheLastMessage() {
        MediaMessage message = new MediaMessage(STREAM_SID);
        message.write(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, PAYLOAD);
        int length = message.write(2, 1, 0, PAYLOAD);
        assertEquals(concatenated(2, STREAM_SID, 1, 0, new String(PAYLOAD, StandardCharsets.US_ASCII)),
                new String(message.bytes(), 0, length, StandardCharsets.UTF_8));
    }

    @Test
    void write_reusesItsArray() {
        MediaMessage message = new MediaMessage(STREAM_SID);
        message.write(2, 1, 0, PAYLOAD);
        byte[] first = message.bytes();
        message.write(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, PAYLOAD);
        assertSame(first, message.bytes(), "sized for the longest numbers from the first frame");
    }

    @Test
    void write_isReadByTheServersCodecAsTheFrame() throws Exception {
        byte[] audio = frameOf((byte) 0x7E);
        MediaMessage message = new MediaMessage(STREAM_SID);
        int length = message.write(7, 6, 100, Base64.getEncoder().encode(audio));
        MediaStreamEvent.Media media = (MediaStreamEvent.Media) MediaStreamCodec.decode(
                new String(message.bytes(), 0, length, StandardCharsets.UTF_8)).orElseThrow();
        assertEquals(STREAM_SID, media.streamSid());
        assertEquals("inbound", media.track());
        assertEquals(6, media.chunk());
        assertEquals(100, media.timestampMillis());
        assertArrayEquals(audio, media.payload());
    }

    @Test
    void write_streamSidThatNeedsEscaping_isStillJson_andReadBack() throws Exception {
        String odd = "MZ\"},\"x\":\"\\";
        MediaMessage message = new MediaMessage(odd);
        int length = message.write(2, 1, 0, PAYLOAD);
        MediaStreamEvent.Media media = (MediaStreamEvent.Media) MediaStreamCodec.decode(
                new String(message.bytes(), 0, length, StandardCharsets.UTF_8)).orElseThrow();
        assertEquals(odd, media.streamSid());
    }

    @Test
    void write_negativeCount_isRefused() {
        MediaMessage message = new MediaMessage(STREAM_SID);
        assertThrows(IllegalArgumentException.class, () -> message.write(-1, 1, 0, PAYLOAD));
        assertThrows(IllegalArgumentException.class, () -> message.write(1, Long.MIN_VALUE, 0, PAYLOAD));
        assertThrows(IllegalArgumentException.class, () -> message.write(1, 1, -20, PAYLOAD));
    }

    private static long pow10(long n) {
        long value = 1;
        for (int i = 0; i < n; i++) {
            value *= 10;
        }
        return value;
    }

    private static byte[] frameOf(byte sample) {
        byte[] frame = new byte[160];
        Arrays.fill(frame, sample);
        return frame;
    }
}
