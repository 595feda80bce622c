package callbridge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The turn-taking benchmark's results as markdown tables: per policy, per utterance, and barge-in. */
final class TurnTakingReport {
    /** The line for "a pause inside a sentence the smart rule must never cut at". */
    private static final Duration SHORT_PAUSE = Duration.ofSeconds(1);

    private TurnTakingReport() {
    }

    /** @param results each policy's runs, by its label ("smart | realtime"), in the order to show them */
    static String render(List<TurnClip> clips, Map<String, List<SentenceRun.Result>> results,
                             List<BargeInRun.Result> bargeIns, int rounds) {
        StringBuilder out = new StringBuilder();
        out.append("\n%d utterances (%d with a pause inside the sentence), each said %d times per policy; ".formatted(
                clips.size(), clips.stream().filter(c -> !c.pauses().isEmpty()).count(), rounds));
        out.append("stand-ins: realtime partial per 100 ms chunk, commit %d ms, batch %d ms, TTS first audio %d ms.\n\n"
                .formatted(TurnTakingBenchmark.COMMIT_MS, TurnTakingBenchmark.BATCH_STT_MS, TurnTakingBenchmark.TTS_FIRST_AUDIO_MS));
        out.append("| policy | STT | reply gap p50 | p99 | max | sentences cut | cut at a pause ≤ 1 s | first turn ended by | server: last speech frame to turn end, p50 | turn end to text, p50 |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((policy, runs) -> {
            List<Long> gaps = gapsMillis(runs);
            long cut = runs.stream().filter(SentenceRun.Result::cut).count();
            long cutShort = runs.stream().filter(r -> r.cut() && shortPausesOnly(r.clip())).count();
            out.append("| %s | %s ms | %s ms | %s ms | %d of %d | %d of %d | %s | %s ms | %s ms |\n".formatted(
                    policy, quantile(gaps, 0.5), quantile(gaps, 0.99), quantile(gaps, 1.0),
                    cut, runs.size(), cutShort, runs.stream().filter(r -> shortPausesOnly(r.clip()) && !r.clip().pauses().isEmpty()).count(),
                    endings(runs), quantile(firstTurns(runs, SentenceRun.Heard::detectedAfterSpeechMs), 0.5),
                    quantile(firstTurns(runs, SentenceRun.Heard::textAfterTurnEndMs), 0.5)));
        });
        out.append("\nPer utterance: the median reply gap, or how many of its ").append(rounds)
                .append(" sayings were cut (the first turn's text, when cut).\n\n| utterance | pause |");
        results.keySet().forEach(policy -> out.append(' ').append(policy.replace(" | ", ", ")).append(" |"));
        out.append("\n|---|---|").append("---|".repeat(results.size())).append('\n');
        for (TurnClip clip : clips) {
            out.append("| `").append(clip.id()).append("` | ").append(clip.pauses().stream()
                    .map(p -> p.toMillis() + " ms").collect(Collectors.joining(", ", "", clip.pauses().isEmpty() ? "–" : ""))).append(" |");
            results.values().forEach(runs -> out.append(' ').append(cell(clip, runs)).append(" |"));
            out.append('\n');
        }
        List<Long> reactions = bargeIns.stream().map(BargeInRun.Result::reactionNanos).filter(OptionalLong::isPresent)
                .map(r -> r.getAsLong() / 1_000_000).sorted().toList();
        Map<String, Long> outcomes = bargeIns.stream().collect(Collectors.groupingBy(BargeInRun.Result::outcome,
                TreeMap::new, Collectors.counting()));
        out.append("\nBarge-in (BARGE_IN=true, BARGE_IN_MIN_MS=400, smart, realtime): the far end talks over a 5 s reply, "
                + "0.5-1.2 s into it.\n\n| talked over | `clear` sent | reaction p50 | p99 | max | min | /generate playback outcome |\n"
                + "|---|---|---|---|---|---|---|\n");
        out.append("| %d | %d | %s ms | %s ms | %s ms | %s ms | %s |\n".formatted(bargeIns.size(), reactions.size(),
                quantile(reactions, 0.5), quantile(reactions, 0.99), quantile(reactions, 1.0), quantile(reactions, 0.0),
                outcomes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
        return out.toString();
    }

    /** The reply gaps of the sentences heard whole, in ms, sorted. */
    static List<Long> gapsMillis(List<SentenceRun.Result> runs) {
        return runs.stream().map(SentenceRun.Result::gapNanos).filter(OptionalLong::isPresent)
                .map(g -> g.getAsLong() / 1_000_000).sorted().toList();
    }

    /** The nearest-rank quantile of sorted values ({@code q} = 0 the least), or "–" for none. */
    static String quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return "–";
        }
        int rank = Math.max(1, (int) Math.ceil(q * sorted.size()));
        return String.valueOf(sorted.get(rank - 1));
    }

    private static boolean shortPausesOnly(TurnClip clip) {
        return clip.pauses().stream().allMatch(p -> p.compareTo(SHORT_PAUSE) <= 0);
    }

    private static String endings(List<SentenceRun.Result> runs) {
        Map<String, Long> counts = runs.stream().filter(r -> !r.turns().isEmpty())
                .collect(Collectors.groupingBy(r -> r.turns().getFirst().turnEnd(), TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static List<Long> firstTurns(List<SentenceRun.Result> runs, java.util.function.ToLongFunction<SentenceRun.Heard> value) {
        return runs.stream().filter(r -> !r.turns().isEmpty()).map(r -> value.applyAsLong(r.turns().getFirst()))
                .sorted().toList();
    }

    private static String cell(TurnClip clip, List<SentenceRun.Result> runs) {
        List<SentenceRun.Result> mine = runs.stream().filter(r -> r.clip() == clip).toList();
        List<Long> gaps = gapsMillis(mine);
        long cut = mine.stream().filter(SentenceRun.Result::cut).count();
        if (cut == 0) {
            return quantile(gaps, 0.5) + " ms";
        }
        String firstText = mine.stream().filter(SentenceRun.Result::cut).findFirst()
                .map(r -> r.turns().isEmpty() ? "(nothing)" : "\"" + r.turns().getFirst().text() + "\"").orElse("");
        List<String> parts = new ArrayList<>();
        parts.add("**cut %d/%d** %s".formatted(cut, mine.size(), firstText));
        if (!gaps.isEmpty()) {
            parts.add(quantile(gaps, 0.5) + " ms");
        }
        return String.join("; ", parts);
    }
}
