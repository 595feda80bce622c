package callbridge.bench;

import callbridge.audio.MuLaw;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeRealtimeStt;
import callbridge.testing.TestCallbridge;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How fast callbridge takes turns, and how often it takes one too soon: the turn-taking benchmark.
 * Run: {@code ./run.sh bench turns} ({@code ./run.sh bench -Dtest=TurnTakingBenchmark}); about 4 minutes;
 * {@code -Dturns.rounds=N} sets how often each utterance is said per policy (3);
 * {@code -Dturns.finishedMs=450,600} adds a smart policy with each of those {@code TURN_END_FINISHED_MS}.
 *
 * <p>The far end says each utterance of the committed set ({@link TurnClip}: Spanish and English questions
 * and statements, most with a pause of 0.4-1.5 s inside the sentence) on a call of its own, all of a round
 * at once, staggered ({@link SentenceRun}), into callbridge in this JVM with its real VAD, for each policy:
 * the prototype's 2.8 s silence, a fixed 600 ms silence and the smart end of turn, each with batch and with
 * realtime speech-to-text. Then, with {@code BARGE_IN=true} (smart, realtime), it talks over a long reply
 * ({@link BargeInRun}). The speech stand-ins answer with the services' documented latencies: realtime
 * partials for each 100 ms chunk as it arrives (the words said so far, as {@link TurnEar} hears them) and
 * commits {@value #COMMIT_MS} ms after the commit; batch after {@value #BATCH_STT_MS} ms; text-to-speech's
 * first audio after {@value #TTS_FIRST_AUDIO_MS} ms. It prints markdown tables (also written to
 * {@code target/turn-taking.md}); it asserts only that the stand-ins were spoken to correctly and that
 * every utterance was heard: the targets are read from the table, not asserted.
 */
@Tag("benchmark")
class TurnTakingBenchmark {
    static final int COMMIT_MS = 150;
    static final int BATCH_STT_MS = 500;
    static final int TTS_FIRST_AUDIO_MS = 100;
    private static final int ROUNDS = Integer.getInteger("turns.rounds", 3);
    /** Utterances of a round start this far apart, so their turn ends do not all fall on the same frame. */
    private static final Duration STAGGER = Duration.ofMillis(97);
    private static final Duration LEAD = Duration.ofMillis(300);
    private static final Duration BARGE_IN_MIN = Duration.ofMillis(400);
    /** More scripted delays than a run makes requests: each request takes one. */
    private static final int SCRIPTED = 20_000;

    private record Policy(String name, String stt, Map<String, String> settings) {
        String label() {
            return name + " | " + stt;
        }
    }

    private static final List<Policy> POLICIES = policies();

    @Test
    void turnTaking() throws Exception {
        List<TurnClip> clips = TurnClip.all();
        TurnEar ear = new TurnEar(clips);
        for (TurnClip clip : clips) {
            assertEquals(clip.text(), ear.heard(clip.audio()), "the stand-ins' ear hears " + clip.id() + " whole");
        }
        Map<String, List<SentenceRun.Result>> results = new LinkedHashMap<>();
        List<BargeInRun.Result> bargeIns = new ArrayList<>();
        try (FakeElevenLabs elevenLabs = FakeElevenLabs.start(pcm -> ear.heard(MuLaw.encode(pcm)), TestCallbridge::voiceFor);
             FakeRealtimeStt realtime = new FakeRealtimeStt().transcriber(ear::heard).partials(ear::heard)
                     .commitDelay(Duration.ofMillis(COMMIT_MS))) {
            elevenLabs.scriptSpeechToText(repeated(new FakeElevenLabs.Slow(Duration.ofMillis(BATCH_STT_MS))));
            elevenLabs.scriptTextToSpeech(repeated(new FakeElevenLabs.Slow(Duration.ofMillis(TTS_FIRST_AUDIO_MS))));
            Map<String, String> services = Map.of("ELEVENLABS_BASE_URL", elevenLabs.baseUrl().toString(),
                    "STT_REALTIME_URL", realtime.url().toString());
            for (Policy policy : POLICIES) {
                try (TestCallbridge server = TestCallbridge.start(merged(services, policy.settings()))) {
                    List<SentenceRun.Result> runs = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        runs.addAll(atOnce(clips, (clip, i) -> SentenceRun.run(server, clip, LEAD.plus(STAGGER.multipliedBy(i)))));
                    }
                    results.put(policy.label(), runs);
                    System.out.println(policy.label() + ": " + summary(runs));
                }
            }
            Map<String, String> bargeIn = merged(services, Map.of("TURN_END", "smart", "STT_MODE", "realtime",
                    "BARGE_IN", "true", "BARGE_IN_MIN_MS", String.valueOf(BARGE_IN_MIN.toMillis())));
            try (TestCallbridge server = TestCallbridge.start(bargeIn)) {
                for (int round = 0; round < ROUNDS; round++) {
                    // Talked over 0.5-1.2 s into our speech, a different moment for each utterance.
                    bargeIns.addAll(atOnce(clips, (clip, i) -> BargeInRun.run(server, clip,
                            Duration.ofMillis(500 + (i * 131L) % 700), BARGE_IN_MIN)));
                }
            }
            assertEquals(List.of(), realtime.problems(), "callbridge spoke the realtime protocol as the service takes it");
            assertEquals(List.of(), elevenLabs.problems(), "callbridge's ElevenLabs requests were well formed");
        }
        String report = TurnTakingReport.render(clips, results, bargeIns, ROUNDS);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "turn-taking.md"), report);
        results.forEach((policy, runs) -> runs.forEach(run -> assertEquals(false, run.turns().isEmpty(),
                policy + ": " + run.clip().id() + " was never heard")));
    }

    private static List<Policy> policies() {
        List<Policy> policies = new ArrayList<>();
        for (String stt : List.of("batch", "realtime")) {
            policies.add(new Policy("silence 2.8 s (prototype)", stt, Map.of("TURN_END", "silence", "STT_MODE", stt)));
            policies.add(new Policy("silence 600 ms", stt, Map.of("TURN_END", "silence", "SILENCE_MS", "600", "STT_MODE", stt)));
            policies.add(new Policy("smart", stt, Map.of("TURN_END", "smart", "STT_MODE", stt)));
        }
        for (String finished : System.getProperty("turns.finishedMs", "").split(",")) {
            if (!finished.isBlank()) {
                policies.add(new Policy("smart, finished words " + finished.strip() + " ms", "realtime",
                        Map.of("TURN_END", "smart", "STT_MODE", "realtime", "TURN_END_FINISHED_MS", finished.strip())));
            }
        }
        return policies;
    }

    private interface ClipTask<T> {
        T run(TurnClip clip, int index) throws Exception;
    }

    /** Every clip at once, each on a call and a virtual thread of its own; the results in the clips' order. */
    private static <T> List<T> atOnce(List<TurnClip> clips, ClipTask<T> task) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < clips.size(); i++) {
                TurnClip clip = clips.get(i);
                int index = i;
                futures.add(threads.submit(() -> task.run(clip, index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    private static String summary(List<SentenceRun.Result> runs) {
        List<Long> gaps = TurnTakingReport.gapsMillis(runs);
        return "%d said, %d cut, reply gap p50 %s ms".formatted(runs.size(),
                runs.stream().filter(SentenceRun.Result::cut).count(), TurnTakingReport.quantile(gaps, 0.5));
    }

    private static FakeElevenLabs.Reply[] repeated(FakeElevenLabs.Reply reply) {
        return Collections.nCopies(SCRIPTED, reply).toArray(FakeElevenLabs.Reply[]::new);
    }

    private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
        Map<String, String> merged = new HashMap<>(first);
        merged.putAll(second);
        return merged;
    }
}
