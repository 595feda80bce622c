package callbridge.websocket;

import java.util.Objects;

/**
 * One WebSocket frame as it travels, payload already unmasked.
 *
 * @param fin     last frame of its message
 * @param rsv     the three reserved bits (RSV1-3) as a number 0-7; non-zero only with an extension
 * @param opcode  what the frame carries
 * @param payload application data (for a close frame: 2-byte code, then a UTF-8 reason)
 */
public record Frame(boolean fin, int rsv, Opcode opcode, byte[] payload) {
    public Frame {
        Objects.requireNonNull(opcode, "opcode");
        Objects.requireNonNull(payload, "payload");
        if (rsv < 0 || rsv > 7) {
            throw new IllegalArgumentException("rsv is three bits: " + rsv);
        }
    }

    /** A complete, unfragmented frame with no extension bits. */
    public static Frame of(Opcode opcode, byte[] payload) {
        return new Frame(true, 0, opcode, payload);
    }
}
