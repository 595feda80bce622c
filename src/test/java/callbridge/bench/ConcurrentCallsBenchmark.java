package callbridge.bench;

import callbridge.testing.ClipRecognizer;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.ServerProcess;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioDialer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Run: {@code ./run.sh bench -Dtest=ConcurrentCallsBenchmark}
 */
@Tag("benchmark")
class ConcurrentCallsBenchmark {
    private static final int CALLS = 100;
    private static final Duration WARM_UP = Duration.ofSeconds(8);
    private static final Duration WINDOW = Duration.ofSeconds(20);

    @Test
    void hundredCallsStreaming(@TempDir Path workDir) throws Exception {
        try (FakeTwilioRest twilio = FakeTwilioRest.start();
             FakeElevenLabs elevenLabs = FakeElevenLabs.start(ClipRecognizer::recognize, TestCallbridge::voiceFor);
             ServerProcess server = ServerProcess.start(workDir, ServerProcess.environmentFor(twilio, elevenLabs, "bench"))) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            Thread.sleep(2_000); // benchmark over real time: the idle server settles before it is measured
            long idleRssKb = residentKb(server.pid());
            long idleHeapKb = liveHeapKb(server.pid());

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
                long busyRssKb = residentKb(server.pid());
                long busyHeapKb = liveHeapKb(server.pid());
                hangUp.countDown();
                calls.forEach(FakeTwilioCall::close);

                double coreShare = (double) cpu / wall;
                System.out.printf("BENCH %d concurrent calls streaming speech: server CPU %.1f%% of one core"
                                + " (%.2f ms of CPU per call-second of audio); live heap after GC %d MB idle, %d MB with"
                                + " the calls (%d KB per call); resident memory %d MB idle, %d MB with the calls;"
                                + " %d turns transcribed%n",
                        CALLS, 100 * coreShare, 1000 * coreShare / CALLS, idleHeapKb / 1024, busyHeapKb / 1024,
                        (busyHeapKb - idleHeapKb) / CALLS, idleRssKb / 1024, busyRssKb / 1024,
                        elevenLabs.sttRequests().size());
                assertTrue(elevenLabs.sttRequests().size() >= CALLS, "every call was heard");
                assertEquals(List.of(), elevenLabs.problems());
            }
        }
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

    /** The heap still in use after a full collection, from {@code jcmd} of the JDK running this test. */
    private static long liveHeapKb(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("no heap figure from jcmd GC.heap_info");
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process jcmd = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    /** VmRSS from /proc (Linux), in KB. */
    private static long residentKb(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }
}
