package callbridge.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads a RIFF/WAVE file as people have them, into the 8 kHz mono mu-law a phone call carries: 16-bit PCM,
 * G.711 mu-law or A-law, at any sample rate, mono or with channels (mixed down by averaging). Chunks are
 * walked by their sizes, so "LIST", "fact" and other chunks before or between "fmt " and "data" are skipped.
 *
 * <p>What a file may hold is bounded by how long it plays, not by its rate: resampling multiplies the samples
 * by 8,000 over the file's rate, so a 1 kHz file of 180 MB once became 1.4 GB of 8 kHz audio. Refusing low
 * rates instead would leave a 48 kHz file of hours to fill memory at its input; a cap on the playing time
 * bounds the input's decoded samples and the output's alike, whatever the rate.
 */
public final class WavInput {
    /**
     * The longest audio read: 10 minutes, 4.8 MB of 8 kHz mu-law out. What an emulated caller says is a turn
     * or a few; a whole side of a recorded call still fits.
     */
    public static final Duration MAX_DURATION = Duration.ofMinutes(10);
    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_ALAW = 6;
    private static final int FORMAT_MULAW = 7;
    /** WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID. */
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    private static final int RIFF_HEADER_BYTES = 12;
    private static final int CHUNK_HEADER_BYTES = 8;

    /** The "fmt " chunk's fields that matter here. */
    private record Format(int encoding, int channels, int sampleRate, int bitsPerSample) {
    }

    private WavInput() {
    }

    /**
     * @throws IllegalArgumentException naming what is wrong: not a WAV, an encoding other than the three
     */
    public static byte[] toMuLaw8k(byte[] wav) {
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < RIFF_HEADER_BYTES || !tag(in, 0).equals("RIFF") || !tag(in, 8).equals("WAVE")) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        Format format = null;
        int position = RIFF_HEADER_BYTES;
        while (position + CHUNK_HEADER_BYTES <= wav.length) {
            String id = tag(in, position);
            long size = Integer.toUnsignedLong(in.getInt(position + 4));
            int body = position + CHUNK_HEADER_BYTES;
            int available = (int) Math.min(size, wav.length - body); // a truncated last chunk is read as far as it goes
            if (id.equals("fmt ")) {
                format = format(in, body, available);
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new IllegalArgumentException("the data chunk comes before the fmt chunk");
                }
                checkDuration(available, format);
                return MuLaw.encode(Resampler.resample(mono(in, body, available, format), format.sampleRate(), Frames.SAMPLE_RATE));
            }
            position = body + (int) Math.min(size + (size & 1), wav.length); // RIFF: chunks are padded to even sizes
        }
        throw new IllegalArgumentException(format == null ? "no fmt chunk" : "no data chunk");
    }

    private static Format format(ByteBuffer in, int at, int size) {
        if (size < 16) {
            throw new IllegalArgumentException("fmt chunk too short");
        }
        int encoding = in.getShort(at) & 0xFFFF;
        if (encoding == FORMAT_EXTENSIBLE && size >= 26) {
            encoding = in.getShort(at + 24) & 0xFFFF;
        }
        Format format = new Format(encoding, in.getShort(at + 2) & 0xFFFF, in.getInt(at + 4), in.getShort(at + 14) & 0xFFFF);
        boolean pcm16 = encoding == FORMAT_PCM && format.bitsPerSample() == 16;
        boolean g711 = (encoding == FORMAT_ALAW || encoding == FORMAT_MULAW) && format.bitsPerSample() == 8;
        if (!pcm16 && !g711) {
            throw new IllegalArgumentException("unsupported encoding " + encoding + " at " + format.bitsPerSample()
                    + " bits: use 16-bit PCM, mu-law or A-law");
        }
        if (format.channels() < 1 || format.sampleRate() < 1000) {
            throw new IllegalArgumentException("unusable fmt chunk: " + format.channels() + " channels at "
                    + format.sampleRate() + " Hz");
        }
        return format;
    }

    /** Refuses audio that plays longer than {@link #MAX_DURATION}, before any of it is decoded. */
    private static void checkDuration(int dataBytes, Format format) {
        long frames = dataBytes / ((long) format.bitsPerSample() / 8 * format.channels());
        long millis = frames * 1000 / format.sampleRate();
        if (millis > MAX_DURATION.toMillis()) {
            throw new IllegalArgumentException(String.format("plays %.1f minutes (%,d Hz); at most %d minutes are read",
                    millis / 60_000.0, format.sampleRate(), MAX_DURATION.toMinutes()));
        }
    }

    /** The samples, channels averaged into one. */
    private static short[] mono(ByteBuffer in, int at, int size, Format format) {
        int bytesPerSample = format.bitsPerSample() / 8;
        int frames = size / (bytesPerSample * format.channels());
        short[] out = new short[frames];
        for (int frame = 0; frame < frames; frame++) {
            int sum = 0;
            for (int channel = 0; channel < format.channels(); channel++) {
                sum += sample(in, at + (frame * format.channels() + channel) * bytesPerSample, format.encoding());
            }
            out[frame] = (short) (sum / format.channels());
        }
        return out;
    }

    private static short sample(ByteBuffer in, int at, int encoding) {
        return switch (encoding) {
            case FORMAT_ALAW -> ALaw.decode(in.get(at));
            case FORMAT_MULAW -> MuLaw.decode(in.get(at));
            default -> in.getShort(at);
        };
    }

    private static String tag(ByteBuffer in, int offset) {
        byte[] four = new byte[4];
        in.get(offset, four);
        return new String(four, StandardCharsets.US_ASCII);
    }
}
