package callbridge.websocket;

/**
 * Encodes a frame to bytes (RFC 6455 section 5.2). The server sends unmasked frames; a masking key is
 * accepted so the same encoder serves test clients and the RFC's masked examples. {@link #putMasked} writes
 * a client's frame into an array the caller reuses, for a sender that must not allocate per frame.
 */
public final class FrameWriter {
    private static final int MASKING_KEY_BYTES = 4;

    private FrameWriter() {
    }

    /** An unmasked frame, as a server sends it. */
    public static byte[] encode(Frame frame) {
        return encode(frame, null);
    }

    /** A frame masked with the 4-byte {@code maskingKey}, or unmasked when it is null. */
    public static byte[] encode(Frame frame, byte[] maskingKey) {
        byte[] payload = frame.payload();
        boolean masked = maskingKey != null;
        byte[] bytes = new byte[headerLength(payload.length, masked) + payload.length];
        int at = putHeader(bytes, frame.fin(), frame.rsv(), frame.opcode(), payload.length, masked);
        if (masked) {
            at = putMaskingKey(bytes, at, Masking.keyOf(maskingKey));
        }
        System.arraycopy(payload, 0, bytes, at, payload.length);
        if (masked) {
            Masking.apply(bytes, at, payload.length, Masking.keyOf(maskingKey));
        }
        return bytes;
    }

    /** The length of a client's frame of {@code payloadLength} bytes: the room {@link #putMasked} needs. */
    static int maskedLength(int payloadLength) {
        return headerLength(payloadLength, true) + payloadLength;
    }

    /**
     * Writes a final frame as a client sends it, masked with {@code maskingKey} (see
     * {@link Masking#apply(byte[], int, int, int)}), at the start of {@code to}, which has at least
     * {@link #maskedLength} bytes.
     *
     * @return the frame's length
     */
    static int putMasked(byte[] to, Opcode opcode, byte[] payload, int offset, int length, int maskingKey) {
        int at = putHeader(to, true, 0, opcode, length, true);
        at = putMaskingKey(to, at, maskingKey);
        System.arraycopy(payload, offset, to, at, length);
        Masking.apply(to, at, length, maskingKey);
        return at + length;
    }

    private static int headerLength(int payloadLength, boolean masked) {
        int lengthBytes = payloadLength <= 125 ? 0 : payloadLength <= 0xFFFF ? 2 : 8;
        return 2 + lengthBytes + (masked ? MASKING_KEY_BYTES : 0);
    }

    /** The header up to the masking key; returns where the key (or an unmasked payload) begins. */
    private static int putHeader(byte[] to, boolean fin, int rsv, Opcode opcode, int payloadLength, boolean masked) {
        to[0] = (byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode.code());
        int maskBit = masked ? 0x80 : 0;
        // RFC 6455 5.2: the shortest of the three length encodings is used.
        if (payloadLength <= 125) {
            to[1] = (byte) (maskBit | payloadLength);
            return 2;
        }
        if (payloadLength <= 0xFFFF) {
            to[1] = (byte) (maskBit | 126);
            to[2] = (byte) (payloadLength >>> 8);
            to[3] = (byte) payloadLength;
            return 4;
        }
        to[1] = (byte) (maskBit | 127);
        long length = payloadLength;
        for (int i = 0; i < 8; i++) {
            to[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        return 10;
    }

    /** RFC 6455 5.2: the key's four bytes follow the length, in the order they are applied. */
    private static int putMaskingKey(byte[] to, int at, int maskingKey) {
        for (int i = 0; i < MASKING_KEY_BYTES; i++) {
            to[at + i] = (byte) (maskingKey >>> (24 - 8 * i));
        }
        return at + MASKING_KEY_BYTES;
    }
}
