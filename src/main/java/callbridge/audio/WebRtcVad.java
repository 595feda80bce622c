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
 *
 * <p>Every native call goes through one lock. The binding keeps its detectors in one global C++
 * {@code std::map<int, Fvad*>} with no synchronization: two calls creating detectors at once corrupted it
 * and crashed the whole JVM (SIGSEGV in {@code _Rb_tree_insert_and_rebalance}, seen in WebRtcVadTest), and
 * every {@code process} reads that map too. Judging a frame takes microseconds, so one lock costs little
 * even with hundreds of calls (see TurnSegmenterBenchmark in the README).
 */
public final class WebRtcVad implements VoiceActivityDetector {
    private static final ReentrantLock NATIVE = new ReentrantLock();

    private final io.github.givimad.libfvadjni.VoiceActivityDetector detector;

    private WebRtcVad(io.github.givimad.libfvadjni.VoiceActivityDetector detector) {
        this.detector = detector;
    }

    /** @param mode 0 (least aggressive about calling audio silence) to 3 (most) */
    public static WebRtcVad create(int mode) {
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("VAD mode is 0-3, got " + mode);
        }
        NATIVE.lock();
        try {
            // newInstance() fails with "Native library is unavailable" until the library is loaded;
            // loading extracts it from the jar, once.
            io.github.givimad.libfvadjni.VoiceActivityDetector.loadLibrary();
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
        } finally {
            NATIVE.unlock();
        }
    }

    @Override
    public boolean isSpeech(short[] frame) {
        NATIVE.lock();
        try {
            return detector.process(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("VAD failed", e);
        } finally {
            NATIVE.unlock();
        }
    }

    @Override
    public void close() {
        NATIVE.lock();
        try {
            detector.close();
        } finally {
            NATIVE.unlock();
        }
    }
}
