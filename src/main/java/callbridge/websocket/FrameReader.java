package callbridge.websocket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * Reads frames from a blocking stream, as the client side does: {@link FrameDecoder} says how many bytes it
 * still needs, and exactly those are read, so nothing past the frame is taken from the stream.
 */
final class FrameReader {
    /** Enough for a header and a small message; grown, up to the decoder's largest frame, when one needs more. */
    private static final int INITIAL_BYTES = 512;

    private final InputStream in;
    private final FrameDecoder decoder;
    private ByteBuffer bytes = ByteBuffer.allocate(INITIAL_BYTES);

    /** Reads the frames {@code decoder} takes: a server's ({@link #ofServerFrames}) or a client's. */
    FrameReader(InputStream in, FrameDecoder decoder) {
        this.in = in;
        this.decoder = decoder;
    }

    /** Reads a server's frames, as a client does. */
    static FrameReader ofServerFrames(InputStream in, int maxPayload) {
        return new FrameReader(in, FrameDecoder.ofServerFrames(maxPayload));
    }

    /** Blocks for the next frame; {@link EOFException} when the stream ends, even mid-frame. */
    Frame read() throws IOException, ProtocolException {
        int first = in.read(); // a timeout here means the connection is idle: the caller decides
        if (first < 0) {
            throw new EOFException("connection closed");
        }
        try {
            return readAfter(first);
        } catch (SocketTimeoutException e) {
            // A timeout inside a frame leaves the stream out of step: the connection cannot go on. RFC 6455
            // 7.4.1: 1008 is for a message that violates the endpoint's policy, here its time limit.
            throw new ProtocolException(CloseCodes.POLICY_VIOLATION, "frame not complete in time");
        }
    }

    private Frame readAfter(int first) throws IOException, ProtocolException {
        bytes.clear().put((byte) first).flip();
        Frame frame;
        while ((frame = decoder.decode(bytes)) == null) {
            int missing = decoder.missing();
            int end = bytes.limit();
            makeRoom(end + missing);
            if (in.readNBytes(bytes.array(), end, missing) < missing) {
                throw new EOFException("connection closed inside a frame");
            }
            bytes.limit(end + missing);
        }
        return frame;
    }

    /** The decoder never asks for more than its largest frame, so this growth is bounded by the size limit. */
    private void makeRoom(int capacity) {
        if (bytes.capacity() < capacity) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(capacity, Math.min(2 * bytes.capacity(), decoder.maxFrameBytes())));
            larger.put(bytes.array(), 0, bytes.limit()).flip();
            bytes = larger;
        }
    }
}
