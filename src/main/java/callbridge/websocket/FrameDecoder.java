package callbridge.websocket;

import java.nio.ByteBuffer;

/**
 * Decodes frames from bytes in a buffer (RFC 6455 section 5.2) and enforces the rules a single frame can
 * break; the one frame parser of this package, used by the server's selector threads over whatever has
 * arrived and, through {@link FrameReader}, by blocking readers. A server reads client frames, which must be
 * masked; a client reads server frames, which must not be (5.1). Message-level rules (fragment order,
 * UTF-8 across fragments) live in {@link MessageAssembler}.
 *
 * <pre>
 *  byte 0: FIN | RSV1 RSV2 RSV3 | opcode(4)
 *  byte 1: MASK | payload length(7): 0-125 literal, 126 = next 2 bytes, 127 = next 8 bytes
 *  then the extended length (network order), the 4-byte masking key, the masked payload
 * </pre>
 *
 * <p>Each rule is checked as soon as the bytes it needs are there: the first two bytes (reserved bits,
 * opcode, mask), then the length (control frames, the size limit), and only then is the payload waited
 * for, so a hostile length never makes anyone allocate or wait for it.
 */
final class FrameDecoder {
    /** RFC 6455 5.5: control frames carry at most 125 bytes. */
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** The longest header: 2 bytes, an 8-byte extended length and a 4-byte masking key. */
    static final int MAX_HEADER_BYTES = 14;
    private static final int MASKING_KEY_BYTES = 4;

    private final int maxPayload;
    private final boolean peerMasks;
    /** After {@link #decode} found no whole frame: how many more bytes it needs before it can go on. */
    private int missing;

    private FrameDecoder(int maxPayload, boolean peerMasks) {
        this.maxPayload = maxPayload;
        this.peerMasks = peerMasks;
    }

    /** Decodes a client's frames, as the server does. */
    static FrameDecoder ofClientFrames(int maxPayload) {
        return new FrameDecoder(maxPayload, true);
    }

    /** Decodes a server's frames, as a client does. */
    static FrameDecoder ofServerFrames(int maxPayload) {
        return new FrameDecoder(maxPayload, false);
    }

    /** The largest frame this decoder accepts, header included: what a buffer must be able to hold. */
    int maxFrameBytes() {
        return MAX_HEADER_BYTES + maxPayload;
    }

    /**
     * The frame that begins at the buffer's position, which then moves past it; or null when the buffer
     * does not hold all of it yet, leaving the position where it was ({@link #missing} says how many bytes
     * to wait for).
     *
     * @throws ProtocolException as soon as the bytes there break a rule, whole frame or not
     */
    Frame decode(ByteBuffer buffer) throws ProtocolException {
        int start = buffer.position();
        int available = buffer.remaining();
        if (available < 2) {
            return needs(2 - available);
        }
        int first = buffer.get(start) & 0xFF;
        int second = buffer.get(start + 1) & 0xFF;
        boolean fin = (first & 0x80) != 0;
        int rsv = (first >> 4) & 0x07;
        Opcode opcode = Opcode.of(first);
        boolean masked = (second & 0x80) != 0;
        checkFirstBytes(rsv, opcode, masked);

        int sevenBitLength = second & 0x7F;
        int lengthBytes = sevenBitLength == 126 ? 2 : sevenBitLength == 127 ? 8 : 0;
        if (available < 2 + lengthBytes) {
            return needs(2 + lengthBytes - available);
        }
        long length = lengthBytes == 0 ? sevenBitLength : extendedLength(buffer, start + 2, lengthBytes);
        checkLength(fin, opcode, length);

        int headerBytes = 2 + lengthBytes + (masked ? MASKING_KEY_BYTES : 0);
        long frameBytes = headerBytes + length;
        if (available < frameBytes) {
            return needs((int) (frameBytes - available));
        }
        byte[] payload = new byte[(int) length];
        buffer.get(start + headerBytes, payload);
        if (masked) {
            byte[] maskingKey = new byte[MASKING_KEY_BYTES];
            buffer.get(start + headerBytes - MASKING_KEY_BYTES, maskingKey);
            Masking.apply(payload, maskingKey);
        }
        buffer.position(start + (int) frameBytes);
        missing = 0;
        return new Frame(fin, rsv, opcode, payload);
    }

    /** After {@link #decode} returned null: the bytes still to come before it can decide more (at least 1). */
    int missing() {
        return missing;
    }

    private Frame needs(int bytes) {
        missing = bytes;
        return null;
    }

    private void checkFirstBytes(int rsv, Opcode opcode, boolean masked) throws ProtocolException {
        if (rsv != 0) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "reserved bits set, but no extension was negotiated");
        }
        if (opcode.isReserved()) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "reserved opcode " + opcode.code());
        }
        if (masked != peerMasks) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, peerMasks
                    ? "client frames must be masked (RFC 6455 5.1)"
                    : "server frames must not be masked (RFC 6455 5.1)");
        }
    }

    private void checkLength(boolean fin, Opcode opcode, long length) throws ProtocolException {
        if (opcode.isControl() && (length > MAX_CONTROL_PAYLOAD || !fin)) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR,
                    "control frames must be unfragmented and at most 125 bytes (RFC 6455 5.5)");
        }
        if (length > maxPayload) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "frame of " + length + " bytes exceeds the limit of " + maxPayload);
        }
    }

    /** 126 + 16-bit, or 127 + 64-bit whose most significant bit must be 0 (RFC 6455 5.2). */
    private static long extendedLength(ByteBuffer buffer, int at, int lengthBytes) throws ProtocolException {
        long length = 0;
        for (int i = 0; i < lengthBytes; i++) {
            length = (length << 8) | (buffer.get(at + i) & 0xFF);
        }
        if (length < 0) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "64-bit length with its most significant bit set");
        }
        return length;
    }
}
