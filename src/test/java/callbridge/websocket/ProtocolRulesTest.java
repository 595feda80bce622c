package callbridge.websocket;


import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each framing rule of RFC 6455 against a real server over a raw socket, asserting the exact bytes the
 * server answers with: an echo, a pong, or the close frame that fails the connection (1002 protocol
 * error, 1003 unsupported data, 1007 invalid UTF-8, 1009 too big), followed by the end of the stream.
 * The Autobahn|Testsuite's families (framing, reserved bits, opcodes, control frames, fragmentation,
 * UTF-8, limits) are covered here as tables.
 */
class ProtocolRulesTest {
    private static final int LIMIT = WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES;
    private static final String HELLO_ECHO = "81 05 48 65 6c 6c 6f";

    private static final EchoEndpoint ECHO = new EchoEndpoint();
    @AutoClose
    private static final StandaloneServer server = TestServers.serving(Map.of("/echo", ECHO), Duration.ofSeconds(10));

    // ---- framing (RFC 6455 5.1, 5.2)

    @Test
    void maskedText_isEchoedUnmasked() throws Exception {
        try (RawClient client = open()) {
            client.write(Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
            assertEquals(HELLO_ECHO, Hex.of(client.readFrameBytes()));
        }
    }

    @Test
    void echo_lengthForms_followTheBoundaries() throws Exception {
        try (RawClient client = open()) {
            for (int length : new int[] {0, 125, 126, 65535}) {
                client.sendText("x".repeat(length));
                byte[] frame = client.readFrameBytes();
                String header = length == 0 ? "81 00" : length == 125 ? "81 7d" : length == 126 ? "81 7e 00 7e" : "81 7e ff ff";
                assertEquals(header, Hex.of(Arrays.copyOf(frame, frame.length - length)), "length " + length);
            }
        }
    }

    /** RFC 6455 5.1: "a server MUST close the connection upon receiving a frame that is not masked". */
    @Test
    void unmaskedFrame_is1002() throws Exception {
        try (RawClient client = open()) {
            client.write(Hex.bytes(HELLO_ECHO));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    /** RFC 6455 5.2: RSV1-3 must be 0 unless an extension gives them a meaning; none is negotiated here. */
    @ParameterizedTest(name = "rsv {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void rsvBits_are1002(int rsv) throws Exception {
        try (RawClient client = open()) {
            client.send(new Frame(true, rsv, Opcode.TEXT, ascii("Hello")));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    /** RFC 6455 5.2: opcodes 3-7 and B-F are reserved; receiving one fails the connection. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcode_is1002(int opcode) throws Exception {
        try (RawClient client = open()) {
            client.send(Frame.of(Opcode.of(opcode), ascii("Hello")));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    /** RFC 6455 5.2: a 64-bit length must have its most significant bit clear. */
    @Test
    void length64WithTopBitSet_is1002() throws Exception {
        try (RawClient client = open()) {
            client.write(Hex.bytes("81 FF 80 00 00 00 00 00 00 05 37 fa 21 3d 7f 9f 4d 51 58"));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    // ---- control frames (RFC 6455 5.5)

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"PING", "PONG", "CLOSE"})
    void controlFrameOf126Bytes_is1002(Opcode opcode) throws Exception {
        try (RawClient client = open()) {
            client.send(Frame.of(opcode, FrameWriterTest.pattern(126)));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"PING", "PONG", "CLOSE"})
    void fragmentedControlFrame_is1002(Opcode opcode) throws Exception {
        try (RawClient client = open()) {
            client.send(false, opcode, ascii("Hel"));
            client.send(true, Opcode.CONTINUATION, ascii("lo"));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    /** RFC 6455 5.5.2/5.5.3: a pong carries the ping's payload; 5.7's "Hello" pong is 8a 05 48 65 6c 6c 6f. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 5, 125})
    void ping_isAnsweredWithAPongOfTheSamePayload(int length) throws Exception {
        byte[] payload = length == 5 ? ascii("Hello") : FrameWriterTest.pattern(length);
        try (RawClient client = open()) {
            client.send(Frame.of(Opcode.PING, payload));
            byte[] pong = client.readFrameBytes();
            assertArrayEquals(Hex.concat(new byte[] {(byte) 0x8a, (byte) length}, payload), pong, Hex.of(pong));
        }
    }

    @Test
    void ping_rfcExample_pongIsTheRfcBytes() throws Exception {
        try (RawClient client = open()) {
            client.send(Frame.of(Opcode.PING, ascii("Hello")));
            assertEquals("8a 05 48 65 6c 6c 6f", Hex.of(client.readFrameBytes()));
        }
    }

    /** RFC 6455 5.5.3: an unsolicited pong needs no answer. */
    @Test
    void unsolicitedPong_isIgnored() throws Exception {
        try (RawClient client = open()) {
            client.write(Hex.bytes("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
            client.sendText("Hello");
            assertEquals(HELLO_ECHO, Hex.of(client.readFrameBytes()), "the echo is the first thing back");
        }
    }

    // ---- fragmentation (RFC 6455 5.4)

    /** RFC 6455 5.7's fragments, with a ping between them (5.4: control frames may be interjected). */
    @Test
    void pingBetweenFragments_isAnsweredThenTheWholeMessageEchoed() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, ascii("Hel"));
            client.send(true, Opcode.PING, ascii("p"));
            client.send(true, Opcode.CONTINUATION, ascii("lo"));
            assertEquals("8a 01 70", Hex.of(client.readFrameBytes()));
            assertEquals(HELLO_ECHO, Hex.of(client.readFrameBytes()));
        }
    }

    @Test
    void manyFragments_includingEmptyOnes_areOneMessage() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, new byte[0]);
            for (char c : "Hell".toCharArray()) {
                client.send(false, Opcode.CONTINUATION, ascii(String.valueOf(c)));
                client.send(true, Opcode.PONG, new byte[0]);
            }
            client.send(true, Opcode.CONTINUATION, ascii("o"));
            assertEquals(HELLO_ECHO, Hex.of(client.readFrameBytes()));
        }
    }

    // ---- every frame is metered (WebSocketConnection.frames, a TokenBucket), not only whole messages

    /** Empty fragments carry no data a message limit sees, but each costs a read and a decode. */
    @Test
    void floodOfEmptyContinuations_is1008() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, new byte[0]);
            client.write(repeated(new Frame(false, 0, Opcode.CONTINUATION, new byte[0]), WebSocketConnection.FRAME_BURST * 3));
            client.expectClose(CloseCodes.POLICY_VIOLATION);
        }
    }

    /** Each ping costs a pong too: a flood is answered up to the budget, then closed. */
    @Test
    void floodOfPings_is1008_afterAPongForEachPingWithinTheBudget() throws Exception {
        try (RawClient client = open()) {
            client.write(repeated(Frame.of(Opcode.PING, new byte[0]), WebSocketConnection.FRAME_BURST * 3));
            int pongs = 0;
            Frame frame;
            while ((frame = client.readFrame()).opcode() == Opcode.PONG) {
                pongs++;
            }
            assertEquals(Opcode.CLOSE, frame.opcode());
            assertEquals(CloseCodes.POLICY_VIOLATION, ((frame.payload()[0] & 0xFF) << 8) | (frame.payload()[1] & 0xFF));
            assertTrue(pongs < WebSocketConnection.FRAME_BURST * 2, pongs + " pongs");
        }
    }

    /** {@code count} copies of {@code frame}, masked as a client sends them, in one write. */
    private static byte[] repeated(Frame frame, int count) {
        byte[] one = FrameWriter.encode(frame, RawClient.RFC_MASK);
        byte[] all = new byte[one.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }

    @Test
    void continuationWithoutMessage_is1002() throws Exception {
        try (RawClient client = open()) {
            client.send(true, Opcode.CONTINUATION, ascii("lo"));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    @Test
    void newTextInsideAFragmentedMessage_is1002() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, ascii("Hel"));
            client.send(true, Opcode.TEXT, ascii("lo"));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    // ---- UTF-8 (RFC 6455 8.1)

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            overlong slash          | 2f c0 af
            surrogate               | ed a0 80
            above U+10FFFF          | f4 90 80 80
            lone continuation       | 80
            truncated at the end    | 48 65 6c 6c 6f e2 82
            """)
    void invalidUtf8Text_is1007(String description, String hex) throws Exception {
        try (RawClient client = open()) {
            client.send(Frame.of(Opcode.TEXT, Hex.bytes(hex)));
            client.expectClose(CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void invalidUtf8SplitAcrossFragments_is1007() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, Hex.bytes("48 65 ed"));
            client.send(true, Opcode.CONTINUATION, Hex.bytes("a0 80"));
            client.expectClose(CloseCodes.INVALID_PAYLOAD);
        }
    }

    /** The bad byte fails the connection in its own fragment: the server does not wait for the rest. */
    @Test
    void invalidUtf8InAFirstFragment_failsBeforeTheMessageEnds() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, Hex.bytes("48 65 c0 af"));
            client.expectClose(CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void characterSplitAcrossFragments_isEchoedWhole() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, Hex.bytes("f0 9f"));
            client.send(false, Opcode.CONTINUATION, Hex.bytes("98"));
            client.send(true, Opcode.CONTINUATION, Hex.bytes("80 21"));
            assertEquals("81 05 f0 9f 98 80 21", Hex.of(client.readFrameBytes()));
        }
    }

    // ---- limits and unsupported data (RFC 6455 7.4.1: 1003, 1009)

    @Test
    void messageOfExactlyTheLimit_isEchoedWith64BitLength() throws Exception {
        byte[] payload = ascii("a".repeat(LIMIT));
        try (RawClient client = open()) {
            client.send(Frame.of(Opcode.TEXT, payload));
            assertArrayEquals(Hex.concat(Hex.bytes("81 7F 00 00 00 00 00 01 00 00"), payload), client.readFrameBytes());
        }
    }

    /**
     * Only a header claiming a huge payload is sent. The server must answer 1009 from the header alone:
     * were it waiting for the bytes (or allocating them), the close would never come.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2^63-1 bytes            | 81 FF 7F FF FF FF FF FF FF FF
            4 GiB                   | 81 FF 00 00 00 01 00 00 00 00
            limit + 1               | 81 FF 00 00 00 00 00 01 00 01
            first fragment too big  | 01 FF 00 00 00 00 00 01 00 01
            """)
    void headerClaimingMoreThanTheLimit_is1009WithoutWaitingForThePayload(String description, String header) throws Exception {
        try (RawClient client = open()) {
            client.write(Hex.bytes(header));
            client.expectClose(CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    @Test
    void fragmentsAddingUpPastTheLimit_are1009() throws Exception {
        try (RawClient client = open()) {
            client.send(false, Opcode.TEXT, ascii("a".repeat(LIMIT / 2)));
            client.send(false, Opcode.CONTINUATION, ascii("a".repeat(LIMIT / 2)));
            client.send(true, Opcode.CONTINUATION, ascii("a"));
            client.expectClose(CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    /** A text-only protocol: binary messages are refused with 1003 (RFC 6455 7.4.1). */
    @Test
    void binaryMessage_is1003() throws Exception {
        try (RawClient client = open()) {
            client.send(Frame.of(Opcode.BINARY, FrameWriterTest.pattern(256)));
            client.expectClose(CloseCodes.UNSUPPORTED_DATA);
        }
    }

    /** The listener hears the status the server failed the connection with. */
    @Test
    void protocolError_isReportedToTheListener() throws Exception {
        try (RawClient client = open("?id=rules-rsv")) {
            client.send(new Frame(true, 4, Opcode.TEXT, ascii("Hello")));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
        assertEquals(CloseCodes.PROTOCOL_ERROR, ECHO.awaitEnding("rules-rsv").code());
        assertEquals(1, ECHO.closeCalls("rules-rsv"));
    }

    private static RawClient open() throws Exception {
        return open("");
    }

    private static RawClient open(String query) throws Exception {
        return RawClient.open(server.port(), "/echo" + query);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
