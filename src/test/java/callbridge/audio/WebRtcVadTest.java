package callbridge.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real libfvad, through the binding this JVM uses (see {@link WebRtcVad}), on synthetic audio. */
class WebRtcVadTest {
    private static final int FRAME = Frames.SAMPLES;
    /** About -10 dBFS: a caller speaking up close to the phone. */
    private static final double LOUD = 10_000;

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void isSpeech_digitalSilence_isNeverSpeech(int mode) {
        try (VoiceActivityDetector vad = WebRtcVad.create(mode)) {
            for (int frame = 0; frame < 100; frame++) {
                assertFalse(vad.isSpeech(new short[FRAME]), "frame " + frame);
            }
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void isSpeech_voicedSignal_isSpeechAfterAFewFrames(int mode) {
        try (VoiceActivityDetector vad = WebRtcVad.create(mode)) {
            boolean[] speech = judge(vad, SyntheticVoice.pcm(2_000, LOUD));
            int settled = 0;
            for (int frame = 5; frame < speech.length; frame++) {
                settled += speech[frame] ? 1 : 0;
            }
            int judged = speech.length - 5;
            assertTrue(settled >= judged * 9 / 10, settled + " of " + judged + " frames judged speech");
        }
    }

    @Test
    void isSpeech_afterVoiceStops_fallsSilentWithinItsHangover() {
        try (VoiceActivityDetector vad = WebRtcVad.create(0)) { // mode 0 holds on to speech longest
            judge(vad, SyntheticVoice.pcm(1_000, LOUD));
            boolean[] after = judge(vad, new short[50 * FRAME]);
            for (int frame = 15; frame < after.length; frame++) { // 300 ms is plenty
                assertFalse(after[frame], "silent frame " + frame);
            }
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(ints = {-1, 4, 100})
    void create_modeOutsideZeroToThree_isRejected(int mode) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebRtcVad.create(mode));
        assertTrue(e.getMessage().contains("0-3"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} samples")
    @ValueSource(ints = {0, 159, 161})
    void isSpeech_frameOfNoValidLength_isRejected(int samples) {
        try (VoiceActivityDetector vad = WebRtcVad.create(3)) {
            assertThrows(IllegalArgumentException.class, () -> vad.isSpeech(new short[samples]));
        }
    }

    @Test
    void close_twice_isHarmlessAndLaterUseFailsCleanly() {
        VoiceActivityDetector vad = WebRtcVad.create(3);
        vad.close();
        vad.close();
        assertThrows(IllegalStateException.class, () -> vad.isSpeech(new short[FRAME]));
    }

    @Test
    void create_fiftyAtOnce_eachJudgesOnItsOwn() throws Exception {
        short[] voice = SyntheticVoice.pcm(400, LOUD);
        int detectors = 50;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(detectors)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < detectors; i++) {
                int mode = i % 4;
                results.add(threads.submit(() -> {
                    start.await();
                    try (VoiceActivityDetector vad = WebRtcVad.create(mode)) {
                        boolean[] silence = judge(vad, new short[10 * FRAME]);
                        boolean[] speech = judge(vad, voice);
                        return count(silence) + " silent frames judged speech, "
                                + (speech[speech.length - 1] ? "voice heard" : "voice missed");
                    }
                }));
            }
            start.countDown();
            for (Future<String> result : results) {
                assertEquals("0 silent frames judged speech, voice heard", result.get());
            }
        }
    }

    /**
     * Calls start and end all the time, each on its own thread. The JNI binding's detector registry is not
     * thread-safe; without WebRtcVad's lock this crashed the JVM (SIGSEGV) or left threads spinning forever
     * in the corrupted registry. The threads are daemons and the wait is bounded, so a regression fails here.
     */
    @Test
    void createJudgeClose_onManyThreadsAtOnce_neverCorruptsTheRegistry() throws Exception {
        short[] frame = Arrays.copyOf(SyntheticVoice.pcm(400, LOUD), FRAME);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(2).toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(8, Thread.ofPlatform().daemon().factory());
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(threads.submit(() -> {
                    int cycles = 0;
                    while (System.nanoTime() < deadline) {
                        try (VoiceActivityDetector vad = WebRtcVad.create(cycles % 4)) {
                            for (int i = 0; i < 5; i++) {
                                vad.isSpeech(frame);
                            }
                        }
                        cycles++;
                    }
                    return cycles;
                }));
            }
            for (Future<Integer> result : results) {
                assertTrue(result.get(20, java.util.concurrent.TimeUnit.SECONDS) > 0);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * libfvad-jni's JNI path copies each frame to the C heap and never frees it (about 330 bytes a frame).
     * 200,000 frames would grow the process by 65 MB there; through the Foreign Function API it stays flat.
     */
    @Test
    void isSpeech_manyFrames_leavesNoNativeMemoryBehind() throws Exception {
        short[] frame = Arrays.copyOf(SyntheticVoice.pcm(400, LOUD), FRAME);
        try (VoiceActivityDetector vad = WebRtcVad.create(3)) {
            org.junit.jupiter.api.Assumptions.assumeFalse(vad instanceof JniWebRtcVad,
                    "JDK 21 runs the leaking JNI binding; its start-up warning says so");
            vad.isSpeech(frame);
            long before = residentKilobytes();
            for (int i = 0; i < 200_000; i++) {
                vad.isSpeech(frame);
            }
            long grown = residentKilobytes() - before;
            assertTrue(grown < 20_000, "resident memory grew by " + grown + " KB over 200,000 frames");
        }
    }

    @Test
    void binding_onJava22OrLater_isTheForeignFunctionOne() {
        try (VoiceActivityDetector vad = WebRtcVad.create(3)) {
            assertEquals(Runtime.version().feature() >= 22 ? "ForeignWebRtcVad" : "JniWebRtcVad", vad.getClass().getSimpleName());
        }
    }

    private static long residentKilobytes() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }

    private static boolean[] judge(VoiceActivityDetector vad, short[] pcm) {
        boolean[] speech = new boolean[pcm.length / FRAME];
        for (int frame = 0; frame < speech.length; frame++) {
            speech[frame] = vad.isSpeech(Arrays.copyOfRange(pcm, frame * FRAME, (frame + 1) * FRAME));
        }
        return speech;
    }

    private static int count(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        return count;
    }
}
