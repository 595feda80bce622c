package callbridge.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A RIFF/WAVE file holding 16-bit PCM, mono, 8 kHz: the form speech-to-text services read most surely
 * (and, with {@link #header}, the stereo form of call recordings).
 * The 44-byte header is the canonical one (RIFF chunk, "fmt " chunk of 16 bytes, "data" chunk); all
 * numbers little-endian.
 */
public final class Wav {
    public static final int HEADER_BYTES = 44;
    private static final int SAMPLE_RATE = Frames.SAMPLE_RATE;
    private static final short PCM_FORMAT = 1;
    private static final short CHANNELS = 1;
    private static final short BITS_PER_SAMPLE = 16;

    private Wav() {
    }

    public static byte[] fromPcm(short[] samples) {
        int dataBytes = samples.length * 2;
        ByteBuffer wav = ByteBuffer.allocate(HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        wav.put(header(CHANNELS, dataBytes));
        for (short sample : samples) {
            wav.putShort(sample);
        }
        return wav.array();
    }

    /**
     * The 44-byte header of a 16-bit PCM, 8 kHz WAV of {@code channels} channels whose samples (interleaved,
     * first channel first: left, then right) take {@code dataBytes}; the samples follow it.
     */
    public static byte[] header(int channels, long dataBytes) {
        if (channels < 1 || dataBytes < 0 || dataBytes > Integer.MAX_VALUE - 36) {
            throw new IllegalArgumentException("no WAV header for " + channels + " channel(s) of " + dataBytes + " bytes");
        }
        int blockAlign = channels * BITS_PER_SAMPLE / 8;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ascii("RIFF")).putInt(36 + (int) dataBytes).put(ascii("WAVE"));
        header.put(ascii("fmt ")).putInt(16).putShort(PCM_FORMAT).putShort((short) channels).putInt(SAMPLE_RATE)
                .putInt(SAMPLE_RATE * blockAlign).putShort((short) blockAlign).putShort(BITS_PER_SAMPLE);
        header.put(ascii("data")).putInt((int) dataBytes);
        return header.array();
    }

    public static byte[] fromMuLaw(byte[] mulaw) {
        return fromPcm(MuLaw.decode(mulaw));
    }

    private static byte[] ascii(String tag) {
        return tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
