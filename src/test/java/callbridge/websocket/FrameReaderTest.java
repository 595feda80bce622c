package callbridge.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Decoding client frames (RFC 6455 5.2) and the rules one frame can break: the RFC's examples, every
 * flag x opcode x length boundary, input split at every byte, and hostile length headers.
 */
class FrameReaderTest {
    private static final int LIMIT = WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES;
    private static final int OK = 0;

    @Test
    void read_rfcMaskedHello() throws Exception {
        assertFrame(true, Opcode.TEXT, "Hello", read("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    @Test
    void read_rfcMaskedPong() throws Exception {
        assertFrame(true, Opcode.PONG, "Hello", read("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    /** RFC 6455 5.1: a server must fail the connection on an unmasked client frame, as all of 5.7's are. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unmasked text    | 81 05 48 65 6c 6c 6f
            first fragment   | 01 03 48 65 6c
            last fragment    | 80 02 6c 6f
            unmasked ping    | 89 05 48 65 6c 6c 6f
            256-byte binary  | 82 7E 01 00
            64 KiB binary    | 82 7F 00 00 00 00 00 01 00 00
            """)
    void read_rfcUnmaskedExamples_are1002(String example, String hex) {
        assertCloseCode(CloseCodes.PROTOCOL_ERROR, Hex.bytes(hex));
    }

    /** The same examples masked as a client sends them, then read back, each split at every byte. */
    @Test
    void read_rfcExamplesMasked_splitAtEveryByte() throws Exception {
        List<Frame> frames = List.of(
                new Frame(true, 0, Opcode.TEXT, ascii("Hello")),
                new Frame(false, 0, Opcode.TEXT, ascii("Hel")),
                new Frame(true, 0, Opcode.CONTINUATION, ascii("lo")),
                new Frame(true, 0, Opcode.PING, ascii("Hello")),
                new Frame(true, 0, Opcode.BINARY, FrameWriterTest.pattern(256)));
        for (Frame frame : frames) {
            byte[] encoded = FrameWriter.encode(frame, RawClient.RFC_MASK);
            for (int cut = 0; cut <= encoded.length; cut++) {
                Frame read = clientFrames(new SplitInputStream(encoded, cut)).read();
                assertFrame(frame, read, frame.opcode() + " cut at " + cut);
            }
            assertFrame(frame, clientFrames(new SplitInputStream(encoded)).read(), "one byte per read");
        }
    }

    @Test
    void read_64KiBBinary_splitAroundTheHeaderAndOneByteAtATime() throws Exception {
        Frame frame = Frame.of(Opcode.BINARY, FrameWriterTest.pattern(65536));
        byte[] encoded = FrameWriter.encode(frame, RawClient.RFC_MASK);
        assertEquals("82 ff 00 00 00 00 00 01 00 00 37 fa 21 3d", Hex.of(Arrays.copyOf(encoded, 14)));
        for (int cut = 0; cut <= 20; cut++) {
            assertFrame(frame, clientFrames(new SplitInputStream(encoded, cut)).read(), "cut at " + cut);
        }
        assertFrame(frame, clientFrames(new SplitInputStream(encoded)).read(), "one byte per read");
    }

    @Test
    void read_anyMaskingKey_unmasksThePayload() throws Exception {
        byte[] payload = FrameWriterTest.pattern(300);
        for (String key : List.of("00 00 00 00", "ff ff ff ff", "01 02 03 04", "80 00 00 01")) {
            Frame read = new FrameReader(new ByteArrayInputStream(
                    FrameWriter.encode(Frame.of(Opcode.TEXT, payload), Hex.bytes(key))), FrameDecoder.ofClientFrames(LIMIT)).read();
            assertArrayEquals(payload, read.payload(), key);
        }
    }

    /**
     * Every combination of FIN, RSV, opcode, mask bit and a length at each boundary, against the rules in
     * the order RFC 6455 gives them. A frame that passes must leave the stream exactly at the next frame.
     */
    @Test
    void read_everyFlagOpcodeAndLengthBoundary() throws Exception {
        int[] lengths = {0, 1, 125, 126, 127, 65535, LIMIT, LIMIT + 1};
        byte[] next = FrameWriter.encode(Frame.of(Opcode.TEXT, ascii("next")), RawClient.RFC_MASK);
        List<String> wrong = new ArrayList<>();
        int accepted = 0;
        for (int length : lengths) {
            byte[] payload = FrameWriterTest.pattern(length);
            for (int code = 0; code < 16; code++) {
                for (int rsv = 0; rsv < 8; rsv++) {
                    for (boolean fin : new boolean[] {true, false}) {
                        for (boolean masked : new boolean[] {true, false}) {
                            Frame frame = new Frame(fin, rsv, Opcode.of(code), payload);
                            byte[] bytes = Hex.concat(FrameWriter.encode(frame, masked ? RawClient.RFC_MASK : null), next);
                            int expected = expectedCloseCode(fin, rsv, code, masked, length);
                            String outcome = outcome(frame, bytes);
                            if (!outcome.equals(expected == OK ? "ok" : "close " + expected)) {
                                wrong.add("fin=%s rsv=%d opcode=%x masked=%s length=%d: expected %s, got %s".formatted(
                                        fin, rsv, code, masked, length, expected == OK ? "ok" : expected, outcome));
                            }
                            accepted += expected == OK ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(3 * 2 * 7 + 3 * 3, accepted, "data opcodes x fin x 7 lengths + control opcodes at 0/1/125");
    }

    /** What RFC 6455 makes of a client frame with this header (OK, or the close code that fails it). */
    private static int expectedCloseCode(boolean fin, int rsv, int opcode, boolean masked, int length) {
        boolean control = opcode >= 0x8;
        boolean reserved = (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xB;
        if (rsv != 0 || reserved || !masked) {
            return CloseCodes.PROTOCOL_ERROR; // 5.2: no extension negotiated, reserved opcode; 5.1: must mask
        }
        if (control && (length > 125 || !fin)) {
            return CloseCodes.PROTOCOL_ERROR; // 5.5: control frames are short and whole
        }
        if (length > LIMIT) {
            return CloseCodes.MESSAGE_TOO_BIG; // 7.4.1: 1009, a message too big to process
        }
        return OK;
    }

    private static String outcome(Frame frame, byte[] bytes) throws IOException {
        FrameReader reader = clientFrames(new ByteArrayInputStream(bytes));
        try {
            Frame read = reader.read();
            if (read.fin() != frame.fin() || read.rsv() != frame.rsv() || read.opcode() != frame.opcode()
                    || !Arrays.equals(read.payload(), frame.payload())) {
                return "a different frame " + read;
            }
            Frame after = reader.read();
            return new String(after.payload(), StandardCharsets.US_ASCII).equals("next") ? "ok" : "lost its place";
        } catch (ProtocolException e) {
            return "close " + e.closeCode();
        }
    }

    @Test
    void read_truncatedAtEveryByte_isEndOfStream() throws Exception {
        for (Frame frame : List.of(Frame.of(Opcode.TEXT, ascii("Hello")), Frame.of(Opcode.TEXT, FrameWriterTest.pattern(256)))) {
            byte[] encoded = FrameWriter.encode(frame, RawClient.RFC_MASK);
            for (int length = 0; length < encoded.length; length++) {
                byte[] truncated = Arrays.copyOf(encoded, length);
                assertThrows(EOFException.class, () -> clientFrames(new ByteArrayInputStream(truncated)).read(),
                        "truncated to " + length + " bytes");
            }
        }
    }

    /**
     * A header alone, nothing after it: the verdict must come from the header, before the reader waits for
     * a masking key or payload (else it would hit the end of the stream) and without allocating the length.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2^63-1 bytes                          | 81 FF 7F FF FF FF FF FF FF FF | 1009
            limit + 1 in 64 bits                  | 81 FF 00 00 00 00 00 01 00 01 | 1009
            limit + 1 as a continuation           | 00 FF 00 00 00 00 00 01 00 01 | 1009
            64-bit length with its top bit set    | 81 FF 80 00 00 00 00 00 00 00 | 1002
            top bit set, all ones                 | 81 FF FF FF FF FF FF FF FF FF | 1002
            ping of 126 bytes                     | 89 FE 00 7E                   | 1002
            close of 65535 bytes                  | 88 FE FF FF                   | 1002
            pong without FIN                      | 0A 80                         | 1002
            """)
    void read_hostileHeader_isJudgedBeforeThePayload(String example, String header, int code) {
        assertCloseCode(code, Hex.bytes(header));
    }

    /** RFC 6455 5.2 asks for the shortest length form, but a longer one still says the right length. */
    @Test
    void read_nonMinimalLengthForms_giveTheSameFrame() throws Exception {
        byte[] masked = Hex.bytes("37 fa 21 3d 7f 9f 4d 51 58");
        assertFrame(true, Opcode.TEXT, "Hello", read("81 FE 00 05" + Hex.of(masked)));
        assertFrame(true, Opcode.TEXT, "Hello", read("81 FF 00 00 00 00 00 00 00 05" + Hex.of(masked)));
    }

    private static Frame read(String hex) throws IOException, ProtocolException {
        return clientFrames(new ByteArrayInputStream(Hex.bytes(hex))).read();
    }

    private static void assertCloseCode(int code, byte[] bytes) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> clientFrames(new ByteArrayInputStream(bytes)).read(), Hex.of(bytes));
        assertEquals(code, e.closeCode(), e.getMessage());
    }

    private static void assertFrame(boolean fin, Opcode opcode, String text, Frame actual) {
        assertFrame(new Frame(fin, 0, opcode, ascii(text)), actual, text);
    }

    private static void assertFrame(Frame expected, Frame actual, String context) {
        assertEquals(expected.fin(), actual.fin(), context);
        assertEquals(expected.rsv(), actual.rsv(), context);
        assertEquals(expected.opcode(), actual.opcode(), context);
        assertArrayEquals(expected.payload(), actual.payload(), context);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Hands out bytes as a socket might: the first {@code cut} bytes in one read and the rest in the next,
     * or (without a cut) one byte per read.
     */
    static final class SplitInputStream extends InputStream {
        private final byte[] bytes;
        private final int cut;
        private int position;

        SplitInputStream(byte[] bytes, int cut) {
            this.bytes = bytes;
            this.cut = cut;
        }

        SplitInputStream(byte[] bytes) {
            this(bytes, -1);
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= bytes.length) {
                return -1;
            }
            int end = cut < 0 ? position + 1 : position < cut ? cut : bytes.length;
            int count = Math.min(length, end - position);
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }
    }

    /** Reads a client's frames, masked, as the server's decoder takes them. */
    private static FrameReader clientFrames(InputStream in) {
        return new FrameReader(in, FrameDecoder.ofClientFrames(LIMIT));
    }
}
