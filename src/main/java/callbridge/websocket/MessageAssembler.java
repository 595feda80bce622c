package callbridge.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Joins data frames into text messages and enforces the message-level rules (RFC 6455 5.4, 5.6, 8.1):
 * a continuation needs an open message, a new message may not start inside one, text is valid UTF-8
 * (checked frame by frame, so the error comes as early as possible), and the whole message fits the limit.
 * This server speaks a text-only protocol, so a binary message is refused with 1003 (RFC 6455 7.4.1).
 * Control frames never come here: they may arrive between fragments and are handled by the connection.
 */
final class MessageAssembler {
    private final int maxMessageBytes;
    private ByteArrayOutputStream partial;
    private Utf8Validator utf8;

    MessageAssembler(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Takes a data frame; the message text once its final frame has arrived. */
    Optional<String> accept(Frame frame) throws ProtocolException {
        switch (frame.opcode()) {
            case BINARY -> throw partial != null
                    ? new ProtocolException(CloseCodes.PROTOCOL_ERROR, "new message started inside a fragmented one")
                    : new ProtocolException(CloseCodes.UNSUPPORTED_DATA, "binary messages are not accepted");
            case TEXT -> {
                if (partial != null) {
                    throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "new message started inside a fragmented one");
                }
                partial = new ByteArrayOutputStream();
                utf8 = new Utf8Validator();
            }
            case CONTINUATION -> {
                if (partial == null) {
                    throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "continuation frame without a message to continue");
                }
            }
            default -> throw new IllegalArgumentException("not a data frame: " + frame.opcode());
        }
        if ((long) partial.size() + frame.payload().length > maxMessageBytes) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG, "message exceeds the limit of " + maxMessageBytes + " bytes");
        }
        if (!utf8.accept(frame.payload()) || (frame.fin() && !utf8.isComplete())) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
        }
        partial.writeBytes(frame.payload());
        if (!frame.fin()) {
            return Optional.empty();
        }
        String text = partial.toString(StandardCharsets.UTF_8);
        partial = null;
        utf8 = null;
        return Optional.of(text);
    }
}
