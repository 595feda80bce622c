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

    /**
     * Each sample replaced by the mean of the {@code width} samples centred on it (zeros past the ends). A
     * running sum slides along, rather than a table of prefix sums: that table took 8 bytes a sample, four
     * times the audio itself.
     */
    private static short[] movingAverage(short[] samples, int width) {
        short[] out = new short[samples.length];
        long sum = 0;
        // The window of sample i is [i - width / 2, i - width / 2 + width); start with sample 0's.
        for (int j = 0; j < Math.min(samples.length, width - width / 2); j++) {
            sum += samples[j];
        }
        for (int i = 0; i < samples.length; i++) {
            out[i] = (short) (sum / width);
            int leaving = i - width / 2;
            int entering = leaving + width;
            if (leaving >= 0) {
                sum -= samples[leaving];
            }
            if (entering < samples.length) {
                sum += samples[entering];
            }
        }
        return out;
    }
}
