package callbridge.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The body of a close frame (RFC 6455 5.5.1): empty, or a 2-byte status code followed by a UTF-8 reason.
 *
 * @param code   the status code; {@link CloseCodes#NO_STATUS} when the frame had none
 * @param reason human-readable, possibly empty
 */
public record CloseFrame(int code, String reason) {
    /** Reasons must fit a control frame: 125 bytes less the 2-byte code. */
    static final int MAX_REASON_BYTES = FrameDecoder.MAX_CONTROL_PAYLOAD - 2;

    static CloseFrame parse(byte[] payload) throws ProtocolException {
        if (payload.length == 0) {
            return new CloseFrame(CloseCodes.NO_STATUS, "");
        }
        if (payload.length == 1) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte body");
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!CloseCodes.isValidOnWire(code)) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "close code " + code + " may not be sent");
        }
        byte[] reason = java.util.Arrays.copyOfRange(payload, 2, payload.length);
        if (!Utf8Validator.isValid(reason)) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
        }
        return new CloseFrame(code, new String(reason, StandardCharsets.UTF_8));
    }

    /** The frame body; a reason too long for a control frame is cut at a character boundary. */
    byte[] toPayload() {
        if (code == CloseCodes.NO_STATUS) {
            return new byte[0];
        }
        byte[] reasonBytes = truncate(reason);
        return ByteBuffer.allocate(2 + reasonBytes.length).putShort((short) code).put(reasonBytes).array();
    }

    private static byte[] truncate(String reason) {
        String text = reason;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        while (bytes.length > MAX_REASON_BYTES) {
            text = text.substring(0, text.offsetByCodePoints(text.length(), -1));
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}
