package callbridge.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Frame encoding against the examples of RFC 6455 section 5.7, byte for byte. */
class FrameWriterTest {
    /** RFC 6455 5.7, in the order the RFC lists them; "-" encodes unmasked, as a server sends. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            single-frame unmasked text | true  | TEXT         | Hello | -           | 81 05 48 65 6c 6c 6f
            single-frame masked text   | true  | TEXT         | Hello | 37 fa 21 3d | 81 85 37 fa 21 3d 7f 9f 4d 51 58
            first fragment             | false | TEXT         | Hel   | -           | 01 03 48 65 6c
            last fragment              | true  | CONTINUATION | lo    | -           | 80 02 6c 6f
            unmasked ping              | true  | PING         | Hello | -           | 89 05 48 65 6c 6c 6f
            masked pong                | true  | PONG         | Hello | 37 fa 21 3d | 8a 85 37 fa 21 3d 7f 9f 4d 51 58
            """)
    void encode_rfc6455Section5_7Examples(String example, boolean fin, Opcode opcode, String payload, String mask,
                                          String expected) {
        Frame frame = new Frame(fin, 0, opcode, payload.getBytes(StandardCharsets.US_ASCII));
        byte[] maskingKey = mask.equals("-") ? null : Hex.bytes(mask);
        assertEquals(expected, Hex.of(FrameWriter.encode(frame, maskingKey)));
    }

    @Test
    void encode_256ByteBinary_uses16BitLength() {
        byte[] payload = pattern(256);
        assertArrayEquals(Hex.concat(Hex.bytes("82 7E 0100"), payload),
                FrameWriter.encode(Frame.of(Opcode.BINARY, payload)));
    }

    @Test
    void encode_64KiBBinary_uses64BitLength() {
        byte[] payload = pattern(65536);
        assertArrayEquals(Hex.concat(Hex.bytes("82 7F 0000000000010000"), payload),
                FrameWriter.encode(Frame.of(Opcode.BINARY, payload)));
    }

    /** RFC 6455 5.2: the shortest length form, so the boundaries 125/126 and 65535/65536 decide the header. */
    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0     | 81 00
            1     | 81 01
            125   | 81 7D
            126   | 81 7E 00 7E
            127   | 81 7E 00 7F
            65535 | 81 7E FF FF
            65536 | 81 7F 00 00 00 00 00 01 00 00
            65537 | 81 7F 00 00 00 00 00 01 00 01
            """)
    void encode_lengthBoundaries_useTheShortestForm(int length, String header) {
        byte[] encoded = FrameWriter.encode(Frame.of(Opcode.TEXT, pattern(length)));
        assertEquals(Hex.of(Hex.bytes(header)), Hex.of(Arrays.copyOf(encoded, encoded.length - length)));
    }

    @Test
    void encode_maskedLongFrame_putsTheKeyAfterTheExtendedLength() {
        byte[] payload = pattern(300);
        byte[] encoded = FrameWriter.encode(Frame.of(Opcode.TEXT, payload), RawClient.RFC_MASK);
        assertEquals("81 fe 01 2c 37 fa 21 3d", Hex.of(Arrays.copyOf(encoded, 8)));
        for (int i = 0; i < payload.length; i++) {
            assertEquals((byte) (payload[i] ^ RawClient.RFC_MASK[i % 4]), encoded[8 + i], "byte " + i);
        }
    }

    @Test
    void encode_finAndRsvBits_goToTheFirstByte() {
        assertEquals("f1 00", Hex.of(FrameWriter.encode(new Frame(true, 7, Opcode.TEXT, new byte[0]))));
        assertEquals("40 00", Hex.of(FrameWriter.encode(new Frame(false, 4, Opcode.CONTINUATION, new byte[0]))));
        assertEquals("8f 00", Hex.of(FrameWriter.encode(new Frame(true, 0, Opcode.RESERVED_F, new byte[0]))));
    }

    @Test
    void encode_doesNotMaskTheCallersPayload() {
        byte[] payload = "Hello".getBytes(StandardCharsets.US_ASCII);
        FrameWriter.encode(Frame.of(Opcode.TEXT, payload), RawClient.RFC_MASK);
        assertEquals("48 65 6c 6c 6f", Hex.of(payload));
    }

    /** RFC 6455 5.7's masked "Hello", written into a reused array as a client sends it, from a byte range. */
    @Test
    void putMasked_rfcMaskedHello_fromTheMiddleOfAnArray() {
        byte[] to = new byte[FrameWriter.maskedLength(5)];
        byte[] around = "[Hello]".getBytes(StandardCharsets.US_ASCII);
        int length = FrameWriter.putMasked(to, Opcode.TEXT, around, 1, 5, Masking.keyOf(RawClient.RFC_MASK));
        assertEquals("81 85 37 fa 21 3d 7f 9f 4d 51 58", Hex.of(Arrays.copyOf(to, length)));
        assertEquals("[Hello]", new String(around, StandardCharsets.US_ASCII), "the source is not masked");
    }

    /** The same bytes as {@link FrameWriter#encode(Frame, byte[])} at every length-form boundary, into one array. */
    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({"0", "1", "125", "126", "127", "300", "65535", "65536", "65537"})
    void putMasked_isWhatEncodeGives_atLengthBoundaries(int length) {
        byte[] payload = pattern(length + 3);
        byte[] to = new byte[FrameWriter.maskedLength(65537)];
        Arrays.fill(to, (byte) 0x55); // left over from a longer frame: must not matter
        int written = FrameWriter.putMasked(to, Opcode.TEXT, payload, 3, length, Masking.keyOf(RawClient.RFC_MASK));
        assertEquals(FrameWriter.maskedLength(length), written);
        assertArrayEquals(FrameWriter.encode(Frame.of(Opcode.TEXT, Arrays.copyOfRange(payload, 3, 3 + length)), RawClient.RFC_MASK),
                Arrays.copyOf(to, written));
    }

    /** Distinct bytes, so a shifted or reordered payload cannot pass for the original. */
    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >> 8));
        }
        return bytes;
    }
}
