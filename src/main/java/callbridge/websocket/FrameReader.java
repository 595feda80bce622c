package callbridge.websocket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * Decodes frames from a blocking stream (RFC 6455 section 5.2) and enforces the rules a single frame can
 * break. A server reads client frames, which must be masked; a client reads server frames, which must not
 * be (5.1). Message-level rules (fragment order, UTF-8 across fragments) live in {@link MessageAssembler}.
 *
 * <pre>
 *  byte 0: FIN | RSV1 RSV2 RSV3 | opcode(4)
 *  byte 1: MASK | payload length(7): 0-125 literal, 126 = next 2 bytes, 127 = next 8 bytes
 *  then the extended length (network order), the 4-byte masking key, the masked payload
 * </pre>
 */
final class FrameReader {
    /** RFC 6455 5.5: control frames carry at most 125 bytes. */
    static final int MAX_CONTROL_PAYLOAD = 125;

    private final InputStream in;
    private final int maxPayload;
    private final boolean peerMasks;
    private volatile boolean inFrame;

    /** Reads a client's frames, as the server does. */
    FrameReader(InputStream in, int maxPayload) {
        this(in, maxPayload, true);
    }

    private FrameReader(InputStream in, int maxPayload, boolean peerMasks) {
        this.in = in;
        this.maxPayload = maxPayload;
        this.peerMasks = peerMasks;
    }

    /** Reads a server's frames, as a client does. */
    static FrameReader ofServerFrames(InputStream in, int maxPayload) {
        return new FrameReader(in, maxPayload, false);
    }

    /** Blocks for the next frame; {@link EOFException} when the stream ends, even mid-frame. */
    Frame read() throws IOException, ProtocolException {
        int first = readByte(); // a timeout here means the connection is idle: the caller decides
        inFrame = true;
        try {
            return readAfter(first);
        } catch (SocketTimeoutException e) {
            // A timeout inside a frame leaves the stream out of step: the connection cannot go on. RFC 6455
            // 7.4.1: 1008 is for a message that violates the endpoint's policy, here its time limit.
            throw new ProtocolException(CloseCodes.POLICY_VIOLATION, "frame not complete in time");
        } finally {
            inFrame = false;
        }
    }

    /** True while a frame has begun to arrive and is not whole yet: watched from another thread. */
    boolean inFrame() {
        return inFrame;
    }

    private Frame readAfter(int first) throws IOException, ProtocolException {
        int second = readByte();
        boolean fin = (first & 0x80) != 0;
        int rsv = (first >> 4) & 0x07;
        Opcode opcode = Opcode.of(first);
        boolean masked = (second & 0x80) != 0;

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
        long length = readLength(second & 0x7F);
        if (opcode.isControl() && (length > MAX_CONTROL_PAYLOAD || !fin)) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR,
                    "control frames must be unfragmented and at most 125 bytes (RFC 6455 5.5)");
        }
        // Checked before reading: a hostile length header must not make us allocate or wait for it.
        if (length > maxPayload) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "frame of " + length + " bytes exceeds the limit of " + maxPayload);
        }
        byte[] maskingKey = masked ? readExactly(4) : null;
        byte[] payload = readExactly((int) length);
        if (masked) {
            Masking.apply(payload, maskingKey);
        }
        return new Frame(fin, rsv, opcode, payload);
    }

    /** 7-bit length, or 126 + 16-bit, or 127 + 64-bit whose most significant bit must be 0 (RFC 6455 5.2). */
    private long readLength(int sevenBitLength) throws IOException, ProtocolException {
        return switch (sevenBitLength) {
            case 126 -> (readByte() << 8) | readByte();
            case 127 -> {
                long length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
                if (length < 0) {
                    throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "64-bit length with its most significant bit set");
                }
                yield length;
            }
            default -> sevenBitLength;
        };
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    private byte[] readExactly(int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new EOFException("connection closed inside a frame");
        }
        return bytes;
    }
}
