package callbridge.bench;

import callbridge.audio.Wav;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.ServerProcess;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How many calls one server holds: callbridge runs as its own process (pinned to one core where
 * {@code taskset} exists), and {@code emulate}, as another process on the other core, makes N real-time
 * calls, each saying a clip every {@value #SPEAK_EVERY_SECONDS} s (a turn, transcribed by the stand-in, every
 * time). For each N: the server's CPU per media frame and share of its core over a steady window, its
 * resident memory and live heap per call, and the generator's own health (late frames, its CPU per frame).
 *
 * <p>Run: {@code ./run.sh bench capacity} (all sizes, a few minutes), or choose sizes and window with
 * {@code ./run.sh bench capacity -Dcapacity.calls=100,200 -Dcapacity.window=10}, and give the server JVM
 * options with {@code -Dcapacity.serverJvm="..."}. The table is printed and written to {@code target/capacity.md}.
 */
@Tag("benchmark")
class CapacityBenchmark {
    private static final int SPEAK_EVERY_SECONDS = 8;
    /** Calls start at this rate: fast enough for a short run, slow enough that set-up is not the load. */
    private static final int CALLS_PER_SECOND = 100;
    /** Past the JIT compiling the call path and the first turns of every call, before the window opens. */
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("capacity.window", 20));
    private static final String API_KEY = "bench";

    @Test
    void capacity(@TempDir Path dir) throws Exception {
        List<Integer> sizes = sizes("capacity.calls", "250,500,1000,1500,2000");
        List<Integer> silentSizes = sizes("capacity.silent", "1000");
        Pinning pinning = Pinning.detect();
        pinning.pinThisJvm();
        Path clip = Files.write(dir.resolve("clip.wav"), Wav.fromMuLaw(SpeechClips.load(SpeechClips.RESERVAR_MESA)));
        List<CapacityRow> rows = new ArrayList<>();
        // The transcriber only counts: recognising clips would make the stand-in, on the generator's core, the load.
        try (FakeTwilioRest twilio = FakeTwilioRest.start();
             FakeElevenLabs elevenLabs = FakeElevenLabs.start(pcm -> "heard " + pcm.length / 8 + " ms", TestCallbridge::voiceFor)) {
            for (int calls : sizes) {
                rows.add(measure(calls, Optional.of(clip), dir.resolve("n" + calls), pinning, twilio, elevenLabs));
                printLines(rows.getLast());
            }
            for (int calls : silentSizes) {
                rows.add(measure(calls, Optional.empty(), dir.resolve("silent" + calls), pinning, twilio, elevenLabs));
                printLines(rows.getLast());
            }
        }
        String table = CapacityRow.tables(rows, pinning.description(), SPEAK_EVERY_SECONDS, WINDOW);
        System.out.println(table);
        Files.writeString(Path.of("target", "capacity.md"), table);
        // Failed calls are a finding at the sizes the server cannot hold, shown in the table, not a test failure.
        assertEquals(sizes.size() + silentSizes.size(), rows.size(), table);
    }

    private static void printLines(CapacityRow row) {
        System.out.println("BENCH " + row.costLine());
        System.out.println("BENCH " + row.timelinessLine());
    }

    /** A comma-separated list of call counts from a system property; empty for "none". */
    private static List<Integer> sizes(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(",")).map(String::strip)
                .filter(size -> !size.isEmpty() && !size.equals("none")).map(Integer::valueOf).toList();
    }

    /**
     * One server and one generator for {@code calls} calls: a conversation on every call when {@code clip} is
     * given (the caller says it every {@value #SPEAK_EVERY_SECONDS} s, an agent answers each time), silence otherwise.
     */
    private static CapacityRow measure(int calls, Optional<Path> clip, Path dir, Pinning pinning, FakeTwilioRest twilio,
                                       FakeElevenLabs elevenLabs) throws Exception {
        Map<String, String> serverEnv = new HashMap<>(ServerProcess.environmentFor(twilio, elevenLabs, API_KEY));
        // The cap counts the webhook's keep-alive connections too, not only the calls' streams.
        serverEnv.put("MAX_CONNECTIONS", Integer.toString(3 * calls + 100));
        // JVM options for the server alone (-Dcapacity.serverJvm="-Djdk.pollerMode=1"), to compare runtimes' settings.
        String serverJvm = System.getProperty("capacity.serverJvm", "").strip();
        if (!serverJvm.isEmpty()) {
            serverEnv.put("JAVA_TOOL_OPTIONS", serverJvm);
        }
        Duration ramp = Duration.ofMillis(1000L * calls / CALLS_PER_SECOND);
        Duration duration = ramp.plus(WARM_UP).plus(WINDOW).plusSeconds(5);
        try (ServerProcess server = ServerProcess.run(Files.createDirectories(dir.resolve("server")), serverEnv,
                List.of("serve"), pinning.server())) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            long idleHeapKb = ProcessStats.liveHeapKb(server.pid());
            long idleRssKb = ProcessStats.residentKb(server.pid());
            int turnsBefore = elevenLabs.sttRequests().size();
            Map<String, String> generatorEnv = new HashMap<>(ServerProcess.environmentFor(twilio, elevenLabs, API_KEY));
            generatorEnv.remove("TWILIO_AUTH_TOKEN");
            List<String> emulate = new ArrayList<>(List.of("emulate", "--server", "http://127.0.0.1:" + port,
                    "--calls", Integer.toString(calls), "--ramp", seconds(ramp), "--duration", seconds(duration), "--progress", "1"));
            clip.ifPresent(audio -> emulate.addAll(List.of("--audio", audio.toString(), "--repeat", Integer.toString(SPEAK_EVERY_SECONDS))));
            try (ServerProcess generator = ServerProcess.run(Files.createDirectories(dir.resolve("emulate")), generatorEnv,
                    emulate, pinning.generator());
                 Agents agents = clip.isPresent() ? Agents.start(port, API_KEY) : Agents.none()) {
                Thread.sleep(ramp.plus(WARM_UP)); // benchmark over real time: every call starts and settles
                // The window opens and closes on the generator's progress lines, so the frames it really sent
                // in the window (fewer than planned if it fell behind) divide the server's CPU. The scrapes
                // sit outside the CPU reading: /metrics is not what is measured.
                long framesBefore = GeneratorSummary.awaitProgress(generator, 0);
                ServerScrape first = ServerScrape.of(port);
                ProcessStats.CpuTime before = ProcessStats.cpu(server.pid());
                long started = System.nanoTime();
                Thread.sleep(WINDOW); // benchmark over real time: the measured window of streaming audio
                long frames = GeneratorSummary.awaitProgress(generator, framesBefore) - framesBefore;
                ProcessStats.CpuTime used = ProcessStats.cpu(server.pid()).minus(before);
                long wallNanos = System.nanoTime() - started;
                ServerScrape last = ServerScrape.of(port);
                long busyRssKb = ProcessStats.residentKb(server.pid());
                long busyHeapKb = ProcessStats.liveHeapKb(server.pid());
                generator.awaitExit(duration.plusSeconds(60));
                GeneratorSummary summary = GeneratorSummary.from(generator.stdout());
                long received = ServerScrape.afterTheCalls(port).mediaReceived();
                return new CapacityRow(calls, clip.isPresent(), used.userNanos() / 1e3 / frames, used.systemNanos() / 1e3 / frames,
                        100.0 * used.totalNanos() / wallNanos, (busyRssKb - idleRssKb) / (double) calls,
                        (busyHeapKb - idleHeapKb) / (double) calls, summary,
                        last.since(first, ServerScrape.INBOUND_FRAME), last.since(first, ServerScrape.TURN_END_TO_STT),
                        last.since(first, ServerScrape.TURN_DETECTED_TO_STT),
                        last.since(first, ServerScrape.TTS_FIRST_AUDIO_TO_MEDIA), summary.framesSent() - received,
                        elevenLabs.sttRequests().size() - turnsBefore, clip.isPresent() ? expectedTurns(calls, duration) : 0,
                        agents.replies(), agents.failures());
            }
        }
    }

    /**
     * Each call starts the clip at 0, 8, 16... s of its stream; every clip begun reaches speech-to-text once,
     * as a finished turn or, when the call hangs up inside it, as the turn the hang-up ends.
     */
    private static long expectedTurns(int calls, Duration duration) {
        return calls * Math.ceilDiv(duration.toMillis(), SPEAK_EVERY_SECONDS * 1000L);
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }
}
