package callbridge.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A RIFF/WAVE file holding 16-bit PCM, mono, 8 kHz: the form speech-to-text services read most surely.
 * The 44-byte header is the canonical one (RIFF chunk, "fmt " chunk of 16 bytes, "data" chunk); all
 * numbers little-endian.
 */
public final class Wav {
    private static final int SAMPLE_RATE = Frames.SAMPLE_RATE;
    public static final int HEADER_BYTES = 44;
    private static final short PCM_FORMAT = 1;
    private static final short CHANNELS = 1;
    private static final short BITS_PER_SAMPLE = 16;

    private Wav() {
    }

    public static byte[] fromPcm(short[] samples) {
        int dataBytes = samples.length * 2;
        int blockAlign = CHANNELS * BITS_PER_SAMPLE / 8;
        ByteBuffer wav = ByteBuffer.allocate(HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        wav.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        wav.put(ascii("fmt ")).putInt(16).putShort(PCM_FORMAT).putShort(CHANNELS).putInt(SAMPLE_RATE)
                .putInt(SAMPLE_RATE * blockAlign).putShort((short) blockAlign).putShort(BITS_PER_SAMPLE);
        wav.put(ascii("data")).putInt(dataBytes);
        for (short sample : samples) {
            wav.putShort(sample);
        }
        return wav.array();
    }

    public static byte[] fromMuLaw(byte[] mulaw) {
        return fromPcm(MuLaw.decode(mulaw));
    }

    /** The samples of a WAV made by {@link #fromPcm}; rejects anything else with the reason. */
    public static short[] readPcm(byte[] wav) {
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < HEADER_BYTES || !tag(in, 0).equals("RIFF") || !tag(in, 8).equals("WAVE")
                || !tag(in, 12).equals("fmt ") || !tag(in, 36).equals("data")) {
            throw new IllegalArgumentException("not a canonical RIFF/WAVE file");
        }
        if (in.getShort(20) != PCM_FORMAT || in.getShort(22) != CHANNELS || in.getInt(24) != SAMPLE_RATE
                || in.getShort(34) != BITS_PER_SAMPLE) {
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

    private static byte[] ascii(String tag) {
        return tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String tag(ByteBuffer in, int offset) {
        byte[] four = new byte[4];
        in.get(offset, four);
        return new String(four, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
