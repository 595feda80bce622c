package callbridge.bench;

import callbridge.testing.ClipRecognizer;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeRealtimeStt;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.ServerProcess;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioDialer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What many live calls cost the server: callbridge runs as its own process (as in production), and
 * {@value #CALLS} fake Twilio calls stream speech and silence into it at real-time pace, turns being
 * detected and transcribed by the stand-in all along. Measured on the server process only: CPU time over a
 * steady window (as a share of one core, and per call), resident memory, and the live heap after a full
 * collection (asked for with {@code jcmd}), before and during the calls: what each call really holds.
 * The callers run in this JVM on the same 2 cores, so the CPU figure is an upper bound.
 *
 * <p>Run: {@code ./run.sh bench -Dtest=ConcurrentCallsBenchmark}; with {@code -Dbench.realtime=true} the
 * server also sends every call's audio to realtime speech-to-text (a stand-in in this JVM), which is the
 * cost {@code STT_MODE=realtime} adds.
 */
@Tag("benchmark")
class ConcurrentCallsBenchmark {
    private static final int CALLS = 100;
    private static final Duration WARM_UP = Duration.ofSeconds(8);
    private static final Duration WINDOW = Duration.ofSeconds(20);

    private static final boolean REALTIME = Boolean.getBoolean("bench.realtime");

    @Test
    void hundredCallsStreaming(@TempDir Path workDir) throws Exception {
        try (FakeTwilioRest twilio = FakeTwilioRest.start();
             FakeElevenLabs elevenLabs = FakeElevenLabs.start(ClipRecognizer::recognize, TestCallbridge::voiceFor);
             FakeRealtimeStt realtime = new FakeRealtimeStt().transcriber(FakeRealtimeStt.clipRecognizer())
                     .partials(audio -> "");
             ServerProcess server = ServerProcess.start(workDir, environment(twilio, elevenLabs, realtime))) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            Thread.sleep(2_000); // benchmark over real time: the idle server settles before it is measured
            long idleRssKb = ProcessStats.residentKb(server.pid());
            long idleHeapKb = ProcessStats.liveHeapKb(server.pid());

            List<FakeTwilioCall> calls = new ArrayList<>();
            CountDownLatch hangUp = new CountDownLatch(1);
            try (ExecutorService talkers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CALLS; i++) {
                    FakeTwilioCall call = TwilioDialer.loopback(port).call();
                    call.silenceWhenIdle(true);
                    calls.add(call);
                    int first = i;
                    talkers.submit(() -> talk(call, first, hangUp));
                }
                Thread.sleep(WARM_UP); // benchmark over real time: the calls stream audio before the window opens
                long cpuBefore = cpuNanos(server.pid());
                long started = System.nanoTime();
                Thread.sleep(WINDOW); // benchmark over real time: the measured window of streaming audio
                long cpu = cpuNanos(server.pid()) - cpuBefore;
                long wall = System.nanoTime() - started;
                long busyRssKb = ProcessStats.residentKb(server.pid());
                long busyHeapKb = ProcessStats.liveHeapKb(server.pid());
                hangUp.countDown();
                calls.forEach(FakeTwilioCall::close);

                double coreShare = (double) cpu / wall;
                System.out.printf("BENCH %d concurrent calls streaming speech%s: server CPU %.1f%% of one core"
                                + " (%.2f ms of CPU per call-second of audio); live heap after GC %d MB idle, %d MB with"
                                + " the calls (%d KB per call); resident memory %d MB idle, %d MB with the calls;"
                                + " %d turns transcribed%n",
                        CALLS, REALTIME ? " (STT_MODE=realtime)" : "", 100 * coreShare, 1000 * coreShare / CALLS, idleHeapKb / 1024, busyHeapKb / 1024,
                        (busyHeapKb - idleHeapKb) / CALLS, idleRssKb / 1024, busyRssKb / 1024,
                        elevenLabs.sttRequests().size() + realtime.commitsAnswered());
                assertTrue(elevenLabs.sttRequests().size() + realtime.commitsAnswered() >= CALLS, "every call was heard");
                assertEquals(List.of(), elevenLabs.problems());
            }
        }
    }

    private static Map<String, String> environment(FakeTwilioRest twilio, FakeElevenLabs elevenLabs, FakeRealtimeStt realtime) {
        Map<String, String> environment = ServerProcess.environmentFor(twilio, elevenLabs, "bench");
        if (REALTIME) {
            environment.put("STT_MODE", "realtime");
            environment.put("STT_REALTIME_URL", realtime.url().toString());
        }
        return environment;
    }

    /** Speaks the clips in turn, each followed by a pause longer than the silence window, until hung up. */
    private static void talk(FakeTwilioCall call, int first, CountDownLatch hangUp) {
        for (int i = first; hangUp.getCount() > 0; i++) {
            call.speak(SpeechClips.load(SpeechClips.ALL.get(i % SpeechClips.ALL.size())));
            try {
                if (hangUp.await(3_200, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for " + pid)).toNanos();
    }
}
