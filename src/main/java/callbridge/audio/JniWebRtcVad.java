package callbridge.audio;

import io.github.givimad.libfvadjni.VoiceActivityDetector.Mode;
import io.github.givimad.libfvadjni.VoiceActivityDetector.SampleRate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * WebRTC's voice activity detector through libfvad-jni's own JNI binding: the fallback on JDK 21, where
 * {@link ForeignWebRtcVad}'s Foreign Function API is not final yet (see {@link WebRtcVad}).
 *
 * <p>The binding leaks: its {@code fvadProcess} takes the frame with {@code GetShortArrayElements} and never
 * releases it, and HotSpot always copies, so every frame leaves about 330 bytes of C heap behind (measured:
 * 200,000 frames, about an hour of one call's audio, grew the process by 65 MB). Nothing on the Java side can free it.
 *
 * <p>Every native call goes through one lock. The binding keeps its detectors in one global C++
 * {@code std::map<int, Fvad*>} with no synchronization: two calls creating detectors at once corrupted it
 * and crashed the whole JVM (SIGSEGV in {@code _Rb_tree_insert_and_rebalance}, seen in WebRtcVadTest), and
 * every {@code process} reads that map too. Judging a frame takes microseconds, so one lock costs little
 * even with hundreds of calls (see TurnSegmenterBenchmark in the README).
 */
final class JniWebRtcVad implements VoiceActivityDetector {
    private static final ReentrantLock NATIVE = new ReentrantLock();

    private final io.github.givimad.libfvadjni.VoiceActivityDetector detector;

    private JniWebRtcVad(io.github.givimad.libfvadjni.VoiceActivityDetector detector) {
        this.detector = detector;
    }

    /** @param mode 0 (least aggressive about calling audio silence) to 3 (most) */
    static JniWebRtcVad create(int mode) {
        NATIVE.lock();
        try {
            // newInstance() fails with "Native library is unavailable" until the library is loaded;
            // loading extracts it from the jar, once.
            io.github.givimad.libfvadjni.VoiceActivityDetector.loadLibrary();
            var detector = io.github.givimad.libfvadjni.VoiceActivityDetector.newInstance();
            try {
                detector.setSampleRate(SampleRate.S8000);
                detector.setMode(Mode.values()[mode]); // QUALITY, LOW_BITRATE, AGGRESSIVE, VERY_AGGRESSIVE = 0-3
                return new JniWebRtcVad(detector);
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
            throw new IllegalStateException("the VAD is closed", e);
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
