package callbridge.websocket;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Message-level rules (RFC 6455 5.4 fragmentation, 8.1 UTF-8, our size limit) on frames, no I/O. */
class MessageAssemblerTest {
    private static final int LIMIT = 100;

    private final MessageAssembler assembler = new MessageAssembler(LIMIT);

    @Test
    void accept_singleFrame_isAMessage() throws Exception {
        assertEquals(Optional.of("Hello"), assembler.accept(text(true, "Hello")));
    }

    @Test
    void accept_emptyFrame_isAnEmptyMessage() throws Exception {
        assertEquals(Optional.of(""), assembler.accept(text(true, "")));
    }

    /** RFC 6455 5.7: "Hel" then "lo" is one message; empty fragments are allowed too. */
    @Test
    void accept_fragments_joinIntoOneMessage() throws Exception {
        assertEquals(Optional.empty(), assembler.accept(text(false, "Hel")));
        assertEquals(Optional.empty(), assembler.accept(continuation(false, "")));
        assertEquals(Optional.of("Hello"), assembler.accept(continuation(true, "lo")));
        assertEquals(Optional.of("next"), assembler.accept(text(true, "next")), "a new message after the last one");
    }

    @Test
    void accept_characterSplitAcrossFragments_isValid() throws Exception {
        assertEquals(Optional.empty(), assembler.accept(frame(Opcode.TEXT, false, "ce")));
        assertEquals(Optional.empty(), assembler.accept(frame(Opcode.CONTINUATION, false, "ba e1 bd")));
        // U+03BA, then U+1F79 (omicron with oxia, as in Autobahn's "kosme")
        assertEquals(Optional.of("\u03ba\u1f79"), assembler.accept(frame(Opcode.CONTINUATION, true, "b9")));
    }

    /** RFC 6455 5.4: a continuation frame needs a message to continue. */
    @Test
    void accept_continuationWithoutMessage_is1002() {
        assertCloseCode(CloseCodes.PROTOCOL_ERROR, continuation(true, "lo"));
    }

    @Test
    void accept_continuationAfterACompleteMessage_is1002() throws Exception {
        assembler.accept(text(true, "Hello"));
        assertCloseCode(CloseCodes.PROTOCOL_ERROR, continuation(true, "again"));
    }

    /** RFC 6455 5.4: fragments of one message may not be interleaved with another message. */
    @Test
    void accept_newTextInsideAFragmentedMessage_is1002() throws Exception {
        assembler.accept(text(false, "Hel"));
        assertCloseCode(CloseCodes.PROTOCOL_ERROR, text(true, "lo"));
    }

    /** RFC 6455 8.1: invalid UTF-8 fails with 1007 in the frame that carries it, before the message ends. */
    @Test
    void accept_invalidUtf8InAFirstFragment_is1007Immediately() {
        assertCloseCode(CloseCodes.INVALID_PAYLOAD, frame(Opcode.TEXT, false, "48 65 c0 af"));
    }

    @Test
    void accept_invalidUtf8SplitAcrossFragments_is1007() throws Exception {
        assembler.accept(frame(Opcode.TEXT, false, "48 65 ed"));
        assertCloseCode(CloseCodes.INVALID_PAYLOAD, frame(Opcode.CONTINUATION, true, "a0 80"));
    }

    @Test
    void accept_messageEndingInsideACharacter_is1007() throws Exception {
        assembler.accept(frame(Opcode.TEXT, false, "48 65"));
        assertCloseCode(CloseCodes.INVALID_PAYLOAD, frame(Opcode.CONTINUATION, true, "e2 82"));
    }

    @Test
    void accept_messageOfExactlyTheLimit_isAccepted() throws Exception {
        assembler.accept(text(false, "a".repeat(LIMIT - 1)));
        assertEquals(Optional.of("a".repeat(LIMIT)), assembler.accept(continuation(true, "a")));
    }

    @Test
    void accept_fragmentsAddingUpPastTheLimit_is1009() throws Exception {
        assembler.accept(text(false, "a".repeat(LIMIT)));
        assertCloseCode(CloseCodes.MESSAGE_TOO_BIG, continuation(true, "a"));
    }

    @Test
    void accept_binary_is1003_orInsideAFragmentedMessage1002() throws Exception {
        assertCloseCode(CloseCodes.UNSUPPORTED_DATA, Frame.of(Opcode.BINARY, new byte[0]));
        assembler.accept(text(false, "a"));
        assertCloseCode(CloseCodes.PROTOCOL_ERROR, Frame.of(Opcode.BINARY, new byte[0]));
    }

    @Test
    void accept_controlFrame_isNotItsJob() {
        for (Opcode opcode : new Opcode[] {Opcode.PING, Opcode.CLOSE}) {
            assertThrows(IllegalArgumentException.class, () -> assembler.accept(Frame.of(opcode, new byte[0])), opcode.name());
        }
    }

    private void assertCloseCode(int code, Frame frame) {
        assertEquals(code, assertThrows(ProtocolException.class, () -> assembler.accept(frame)).closeCode());
    }

    private static Frame text(boolean fin, String text) {
        return new Frame(fin, 0, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Frame continuation(boolean fin, String text) {
        return new Frame(fin, 0, Opcode.CONTINUATION, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Frame frame(Opcode opcode, boolean fin, String hex) {
        return new Frame(fin, 0, opcode, Hex.bytes(hex));
    }
}
