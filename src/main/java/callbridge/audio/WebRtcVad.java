package callbridge.audio;

import io.github.givimad.libfvadjni.VoiceActivityDetector.Mode;
import io.github.givimad.libfvadjni.VoiceActivityDetector.SampleRate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * WebRTC's voice activity detector, through libfvad (a standalone build of it) and its JNI binding.
 * The detector keeps state across frames (noise estimates), so each call gets its own instance.
 * Frames must be 10, 20 or 30 ms; callbridge always uses 20 ms.
 */
public final class WebRtcVad implements VoiceActivityDetector {
    /** libfvad-jni's loader (extract the library from the jar, then load it) is not thread-safe. */
    private static final ReentrantLock LOADING = new ReentrantLock();

    private final io.github.givimad.libfvadjni.VoiceActivityDetector detector;

    private WebRtcVad(io.github.givimad.libfvadjni.VoiceActivityDetector detector) {
        this.detector = detector;
    }

    /** @param mode 0 (least aggressive about calling audio silence) to 3 (most) */
    public static WebRtcVad create(int mode) {
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("VAD mode is 0-3, got " + mode);
        }
        try {
            // Fixed: newInstance() fails with "Native library is unavailable" until the library is loaded.
            loadNativeLibrary();
            var detector = io.github.givimad.libfvadjni.VoiceActivityDetector.newInstance();
            try {
                detector.setSampleRate(SampleRate.S8000);
                detector.setMode(Mode.values()[mode]); // QUALITY, LOW_BITRATE, AGGRESSIVE, VERY_AGGRESSIVE = 0-3
                return new WebRtcVad(detector);
            } catch (IOException | RuntimeException e) {
                detector.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the WebRTC VAD native library", e);
        }
    }

    /** Loads the native library on first use; later calls return at once. */
    private static void loadNativeLibrary() throws IOException {
        LOADING.lock();
        try {
            io.github.givimad.libfvadjni.VoiceActivityDetector.loadLibrary();
        } finally {
            LOADING.unlock();
        }
    }

    @Override
    public boolean isSpeech(short[] frame) {
        try {
            return detector.process(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("VAD failed", e);
        }
    }

    @Override
    public void close() {
        detector.close();
    }
}
