package callbridge.audio;

/** Judges one 20 ms frame of 8 kHz 16-bit PCM (160 samples) as speech or not. One instance per call. */
public interface VoiceActivityDetector extends AutoCloseable {
    boolean isSpeech(short[] frame);

    /** Releases native resources; the detector cannot be used afterwards. */
    @Override
    void close();
}
