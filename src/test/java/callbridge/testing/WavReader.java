package callbridge.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads back the WAV files callbridge sends to speech-to-text, strictly, for the stand-in and the tests:
 * only the canonical 44-byte header of 16-bit PCM, mono, 8 kHz is accepted, and every size must agree.
 */
public final class WavReader {
    private static final int HEADER_BYTES = 44;

    private WavReader() {
    }

    /** The samples; anything else than the form above is rejected with the reason. */
    public static short[] readPcm(byte[] wav) {
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < HEADER_BYTES || !tag(in, 0).equals("RIFF") || !tag(in, 8).equals("WAVE")
                || !tag(in, 12).equals("fmt ") || !tag(in, 36).equals("data")) {
            throw new IllegalArgumentException("not a canonical RIFF/WAVE file");
        }
        // format 1 = PCM, 1 channel, 8000 samples a second, 16 bits a sample
        if (in.getShort(20) != 1 || in.getShort(22) != 1 || in.getInt(24) != 8_000 || in.getShort(34) != 16) {
            throw new IllegalArgumentException("not 16-bit PCM mono at 8 kHz");
        }
        int dataBytes = in.getInt(40);
        if (dataBytes < 0 || dataBytes > wav.length - HEADER_BYTES || in.getInt(4) != 36 + dataBytes) {
            throw new IllegalArgumentException("chunk sizes do not match the file length");
        }
        short[] samples = new short[dataBytes / 2];
        in.position(HEADER_BYTES).asShortBuffer().get(samples);
        return samples;
    }

    private static String tag(ByteBuffer in, int offset) {
        byte[] four = new byte[4];
        in.get(offset, four);
        return new String(four, StandardCharsets.US_ASCII);
    }
}
