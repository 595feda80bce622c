package callbridge.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder over a buffer, as the selector threads use it: a frame not yet whole leaves the buffer as it
 * was and says how many bytes it misses; several frames in one buffer come out one by one; and a rule is
 * broken as soon as the bytes it needs are there, never later. (Every frame rule itself is covered through
 * {@link FrameReader} in {@link FrameReaderTest}.)
 */
class FrameDecoderTest {
    private static final int LIMIT = WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES;

    /** RFC 6455 5.7's masked "Hello": each prefix is "not yet", and the missing count leads to the frame. */
    @Test
    void decode_everyPrefixOfAFrame_isNullAndConsumesNothing() throws Exception {
        byte[] hello = Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        FrameDecoder decoder = FrameDecoder.ofClientFrames(LIMIT);
        for (int length = 0; length < hello.length; length++) {
            ByteBuffer prefix = ByteBuffer.wrap(hello, 0, length);
            assertNull(decoder.decode(prefix), "prefix of " + length);
            assertEquals(0, prefix.position(), "prefix of " + length + " consumed");
            assertTrue(decoder.missing() >= 1 && length + decoder.missing() <= hello.length,
                    "prefix of " + length + " misses " + decoder.missing());
        }
        ByteBuffer whole = ByteBuffer.wrap(hello);
        assertEquals("Hello", text(decoder.decode(whole)));
        assertEquals(hello.length, whole.position());
    }

    /** Fed only what it says it misses, the decoder reaches each frame, whatever its length form. */
    @Test
    void decode_fedWhatItMisses_reachesEveryLengthForm() throws Exception {
        for (int length : new int[] {0, 125, 126, 65535, 65536}) {
            byte[] payload = FrameWriterTest.pattern(length);
            byte[] encoded = FrameWriter.encode(Frame.of(Opcode.TEXT, payload), RawClient.RFC_MASK);
            FrameDecoder decoder = FrameDecoder.ofClientFrames(LIMIT + 1);
            ByteBuffer buffer = ByteBuffer.wrap(encoded, 0, 0);
            Frame frame;
            int steps = 0;
            while ((frame = decoder.decode(buffer)) == null) {
                buffer.limit(buffer.limit() + decoder.missing());
                steps++;
            }
            assertArrayEquals(payload, frame.payload(), "length " + length);
            assertTrue(steps <= 3, "length " + length + " took " + steps + " steps");
        }
    }

    @Test
    void decode_severalFramesInOneBuffer_comeOutInOrderWithTheRestLeft() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> sent = List.of("one", "two", "three");
        sent.forEach(text -> bytes.writeBytes(FrameWriter.encode(Frame.of(Opcode.TEXT, ascii(text)), RawClient.RFC_MASK)));
        bytes.writeBytes(Hex.bytes("81 85 37 fa")); // the start of a fourth
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        FrameDecoder decoder = FrameDecoder.ofClientFrames(LIMIT);
        List<String> received = new ArrayList<>();
        Frame frame;
        while ((frame = decoder.decode(buffer)) != null) {
            received.add(text(frame));
        }
        assertEquals(sent, received);
        assertEquals(4, buffer.remaining());
    }

    /** A non-blocking reader must not wait for bytes a broken frame will never need. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            reserved bits, first two bytes                 | c1 85                         | 1002
            reserved opcode, first two bytes               | 83 85                         | 1002
            unmasked, first two bytes                      | 81 05                         | 1002
            control frame of 126, its 16-bit length        | 89 fe 00 7e                   | 1002
            over the limit, its 64-bit length, no payload  | 81 ff 00 00 00 00 00 01 00 01 | 1009
            """)
    void decode_brokenRule_failsAsSoonAsItsBytesAreThere(String rule, String hex, int code) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> FrameDecoder.ofClientFrames(LIMIT).decode(ByteBuffer.wrap(Hex.bytes(hex))));
        assertEquals(code, e.closeCode(), e.getMessage());
    }

    @Test
    void decode_serverFrames_areUnmasked() throws Exception {
        Frame frame = FrameDecoder.ofServerFrames(LIMIT).decode(ByteBuffer.wrap(Hex.bytes("81 05 48 65 6c 6c 6f")));
        assertEquals("Hello", text(frame));
    }

    private static String text(Frame frame) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
