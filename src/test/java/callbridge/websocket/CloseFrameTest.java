package callbridge.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Close frame bodies (RFC 6455 5.5.1) and which status codes may be sent (7.4). */
class CloseFrameTest {
    /**
     * RFC 6455 7.4.1/7.4.2 at every boundary: below 1000 unused; 1004 reserved; 1005/1006/1015 only
     * reported locally; 1012-1014 registered with IANA later; 1016-2999 reserved for the protocol;
     * 3000-4999 for libraries and applications; nothing above.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            0,    false
            999,  false
            1000, true
            1001, true
            1002, true
            1003, true
            1004, false
            1005, false
            1006, false
            1007, true
            1008, true
            1009, true
            1010, true
            1011, true
            1012, true
            1013, true
            1014, true
            1015, false
            1016, false
            2000, false
            2999, false
            3000, true
            4000, true
            4999, true
            5000, false
            65535, false
            """)
    void closeCode_validOnWire_table(int code, boolean valid) throws Exception {
        assertEquals(valid, CloseCodes.isValidOnWire(code));
        byte[] body = {(byte) (code >> 8), (byte) code};
        if (valid) {
            assertEquals(new CloseFrame(code, ""), CloseFrame.parse(body));
        } else {
            assertEquals(CloseCodes.PROTOCOL_ERROR,
                    assertThrows(ProtocolException.class, () -> CloseFrame.parse(body)).closeCode());
        }
    }

    @Test
    void parse_emptyBody_meansNoStatus() throws Exception {
        assertEquals(new CloseFrame(CloseCodes.NO_STATUS, ""), CloseFrame.parse(new byte[0]));
    }

    /** RFC 6455 5.5.1: a body, if any, starts with a 2-byte code, so one byte alone is malformed. */
    @Test
    void parse_oneByteBody_is1002() {
        for (String body : new String[] {"03", "e8", "00"}) {
            assertEquals(CloseCodes.PROTOCOL_ERROR,
                    assertThrows(ProtocolException.class, () -> CloseFrame.parse(Hex.bytes(body))).closeCode(), body);
        }
    }

    @Test
    void parse_reason_isDecodedAsUtf8() throws Exception {
        assertEquals(new CloseFrame(1000, "bye κόσμε"),
                CloseFrame.parse(Hex.concat(Hex.bytes("03 e8"), "bye κόσμε".getBytes(StandardCharsets.UTF_8))));
    }

    /** RFC 6455 5.5.1 / 8.1: the reason is UTF-8; anything else fails the connection with 1007. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            lone continuation   | 03 e8 80
            surrogate           | 03 e8 ed a0 80
            overlong            | 03 e8 c0 af
            truncated           | 03 e8 48 69 e2 82
            """)
    void parse_invalidUtf8Reason_is1007(String description, String body) {
        assertEquals(CloseCodes.INVALID_PAYLOAD,
                assertThrows(ProtocolException.class, () -> CloseFrame.parse(Hex.bytes(body))).closeCode());
    }

    /** A bad code is reported before a bad reason: the code is what makes the frame unusable. */
    @Test
    void parse_badCodeAndBadReason_is1002() {
        assertEquals(CloseCodes.PROTOCOL_ERROR,
                assertThrows(ProtocolException.class, () -> CloseFrame.parse(Hex.bytes("03 ed 80"))).closeCode());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1000 | ''    | 03 e8
            1001 | bye   | 03 e9 62 79 65
            4999 | ''    | 13 87
            1005 | ''    | ''
            """)
    void toPayload_codeThenReason(int code, String reason, String expected) {
        assertEquals(expected, Hex.of(new CloseFrame(code, reason).toPayload()));
    }

    /** RFC 6455 5.5: the whole body fits 125 bytes, so the reason gets 123, cut between characters. */
    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource(textBlock = """
            a,  200, 123
            é,  100, 122
            €,   50, 123
            😀,  40, 120
            """)
    void toPayload_longReason_isCutAtACharacterBoundary(String character, int repeat, int reasonBytes) throws Exception {
        byte[] payload = new CloseFrame(1000, character.repeat(repeat)).toPayload();
        assertEquals(2 + reasonBytes, payload.length);
        assertTrue(payload.length <= 125);
        CloseFrame parsed = CloseFrame.parse(payload);
        assertEquals(character.repeat(reasonBytes / character.getBytes(StandardCharsets.UTF_8).length), parsed.reason());
    }

    @Test
    void toPayload_roundTripsThroughParse() throws Exception {
        CloseFrame frame = new CloseFrame(3000, "going");
        assertArrayEquals(frame.toPayload(), CloseFrame.parse(frame.toPayload()).toPayload());
        assertEquals(frame, CloseFrame.parse(frame.toPayload()));
    }
}
