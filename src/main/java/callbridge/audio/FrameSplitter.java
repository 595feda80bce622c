package callbridge.audio;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into 20 ms frames of 160 mu-law bytes, whatever sizes it arrives in. Inbound, Twilio
 * sends 160-byte payloads today, but nothing in its protocol promises that, and the VAD only takes whole
 * frames; outbound, text-to-speech audio arrives in chunks of any size, and Twilio plays whole frames.
 */
public final class FrameSplitter {
    private final byte[] pending = new byte[Frames.SAMPLES];
    private int filled;

    /** Adds bytes; each completed frame is handed to {@code frames} (as a fresh array it may keep). */
    public void accept(byte[] bytes, Consumer<byte[]> frames) {
        int offset = 0;
        while (offset < bytes.length) {
            int take = Math.min(pending.length - filled, bytes.length - offset);
            System.arraycopy(bytes, offset, pending, filled, take);
            filled += take;
            offset += take;
            if (filled == pending.length) {
                frames.accept(pending.clone());
                filled = 0;
            }
        }
    }

    /**
     * Adds bytes and returns the whole frames now complete, back to back (empty when none), for a sender
     * that puts several frames in one message. Not to be mixed with {@link #accept} on one splitter.
     */
    public byte[] wholeFrames(byte[] bytes) {
        int total = filled + bytes.length;
        int whole = total - total % pending.length;
        if (whole == 0) {
            System.arraycopy(bytes, 0, pending, filled, bytes.length);
            filled = total;
            return new byte[0];
        }
        // whole >= one frame > filled: the frames start with what was pending and end inside bytes
        byte[] frames = new byte[whole];
        System.arraycopy(pending, 0, frames, 0, filled);
        System.arraycopy(bytes, 0, frames, filled, whole - filled);
        filled = total - whole;
        System.arraycopy(bytes, bytes.length - filled, pending, 0, filled);
        return frames;
    }

    /** The partial frame still pending, padded with silence to a whole one; empty when nothing is pending. */
    public byte[] paddedRest() {
        if (filled == 0) {
            return new byte[0];
        }
        byte[] frame = Arrays.copyOf(pending, pending.length);
        Arrays.fill(frame, filled, frame.length, MuLaw.SILENCE);
        filled = 0;
        return frame;
    }
}
