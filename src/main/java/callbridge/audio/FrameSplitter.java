package callbridge.audio;

import java.util.function.Consumer;

/**
 * Cuts a byte stream into 20 ms frames of 160 mu-law bytes, whatever sizes it arrives in: Twilio sends
 * 160-byte payloads today, but nothing in its protocol promises that, and the VAD only takes whole frames.
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
}
