package callbridge.audio;

/**
 * Test audio that WebRTC's VAD hears as voice without a recording: a 150 Hz glottal-like fundamental with
 * its harmonics up to 3.4 kHz (the telephone band), shaped by three vowel-like formants and modulated at
 * a syllable rate of 4 Hz. Deterministic, so tests that use it never flake.
 */
final class SyntheticVoice {
    static final int SAMPLE_RATE = 8_000;
    private static final double FUNDAMENTAL_HZ = 150;
    private static final double[] FORMANTS_HZ = {700, 1_200, 2_600};
    private static final double FORMANT_WIDTH_HZ = 250;
    private static final double SYLLABLE_HZ = 4;

    private SyntheticVoice() {
    }

    /** {@code millis} of voice peaking near {@code peak}, as 16-bit PCM at 8 kHz. */
    static short[] pcm(int millis, double peak) {
        int count = millis * SAMPLE_RATE / 1_000;
        double[] wave = new double[count];
        double maxAbs = 0;
        for (int i = 0; i < count; i++) {
            double t = (double) i / SAMPLE_RATE;
            double sum = 0;
            for (int harmonic = 1; harmonic * FUNDAMENTAL_HZ < 3_400; harmonic++) {
                double frequency = harmonic * FUNDAMENTAL_HZ;
                sum += formantGain(frequency) / harmonic * Math.sin(2 * Math.PI * frequency * t);
            }
            // Syllables: loudness swings between 40% and 100%, never silent inside the signal.
            wave[i] = sum * (0.7 + 0.3 * Math.sin(2 * Math.PI * SYLLABLE_HZ * t));
            maxAbs = Math.max(maxAbs, Math.abs(wave[i]));
        }
        short[] pcm = new short[count];
        for (int i = 0; i < count; i++) {
            pcm[i] = (short) Math.round(wave[i] / maxAbs * peak);
        }
        return pcm;
    }

    static byte[] mulaw(int millis, double peak) {
        return MuLaw.encode(pcm(millis, peak));
    }

    private static double formantGain(double frequency) {
        double gain = 0.05;
        for (double formant : FORMANTS_HZ) {
            double distance = (frequency - formant) / FORMANT_WIDTH_HZ;
            gain += Math.exp(-distance * distance);
        }
        return gain;
    }
}
