package callbridge.websocket;

import java.io.ByteArrayOutputStream;

/**
 * Encodes a frame to bytes (RFC 6455 section 5.2). The server sends unmasked frames; a masking key is
 * accepted so the same encoder serves test clients and the RFC's masked examples.
 */
public final class FrameWriter {
    private FrameWriter() {
    }

    /** An unmasked frame, as a server sends it. */
    public static byte[] encode(Frame frame) {
        return encode(frame, null);
    }

    /** A frame masked with the 4-byte {@code maskingKey}, or unmasked when it is null. */
    public static byte[] encode(Frame frame, byte[] maskingKey) {
        byte[] payload = frame.payload();
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((frame.fin() ? 0x80 : 0) | (frame.rsv() << 4) | frame.opcode().code());
        int maskBit = maskingKey == null ? 0 : 0x80;
        // RFC 6455 5.2: the shortest of the three length encodings is used.
        if (payload.length <= 125) {
            out.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift));
            }
        }
        if (maskingKey == null) {
            out.writeBytes(payload);
        } else {
            byte[] masked = payload.clone();
            Masking.apply(masked, maskingKey);
            out.writeBytes(maskingKey);
            out.writeBytes(masked);
        }
        return out.toByteArray();
    }
}
