package callbridge.audio;

/**
 * Changes the sample rate of mono 16-bit audio, for {@code emulate}'s input files (44.1 kHz, 16 kHz...) that
 * must become 8 kHz telephone audio. A test tool's quality is enough: when going down, a moving average as
 * wide as the rate ratio removes most of what would fold back above the new Nyquist frequency (aliasing),
 * then each output sample is interpolated linearly between its two nearest input samples.
 */
public final class Resampler {
    private Resampler() {
    }

    public static short[] resample(short[] samples, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + fromRate + ", " + toRate);
        }
        if (fromRate == toRate || samples.length == 0) {
            return samples.clone();
        }
        short[] filtered = fromRate > toRate ? movingAverage(samples, (int) Math.ceil((double) fromRate / toRate)) : samples;
        int length = (int) ((long) samples.length * toRate / fromRate);
        short[] out = new short[length];
        double step = (double) fromRate / toRate;
        for (int i = 0; i < length; i++) {
            double position = i * step;
            int left = (int) position;
            int right = Math.min(left + 1, filtered.length - 1);
            double fraction = position - left;
            out[i] = (short) Math.round(filtered[left] * (1 - fraction) + filtered[right] * fraction);
        }
        return out;
    }

    /** Each sample replaced by the mean of the {@code width} samples centred on it (zeros past the ends). */
    private static short[] movingAverage(short[] samples, int width) {
        long[] prefix = new long[samples.length + 1];
        for (int i = 0; i < samples.length; i++) {
            prefix[i + 1] = prefix[i] + samples[i];
        }
        short[] out = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            int from = Math.max(0, i - width / 2);
            int to = Math.min(samples.length, i - width / 2 + width);
            out[i] = (short) ((prefix[to] - prefix[from]) / width);
        }
        return out;
    }
}
