package callbridge.bench;

import callbridge.metrics.HistogramSnapshot;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One size of the capacity run, printed as a line of each of two tables: what the calls cost the server,
 * and how timely it was (with the outside proxies for lost audio).
 *
 * @param inboundFrame   a media frame's arrival at the stream's listener to its VAD decision, over the window
 * @param turnEndToStt   end of speech to the speech-to-text request, less the silence window, over the window
 * @param detectedToStt  the frame that completed the silence window to the speech-to-text request: the server's part
 * @param ttsToMedia     text-to-speech's first audio to the first media frame of it, over the window
 * @param framesLost     frames the generator sent that the server did not count as received
 */
record CapacityRow(int calls, boolean conversation, double userMicrosPerFrame, double systemMicrosPerFrame, double corePercent,
                   double rssKbPerCall, double heapKbPerCall, GeneratorSummary generator, HistogramSnapshot inboundFrame,
                   HistogramSnapshot turnEndToStt, HistogramSnapshot detectedToStt, HistogramSnapshot ttsToMedia, long framesLost, long turnsHeard,
                   long turnsSpoken, long agentReplies, long agentFailures) {
    static final String COST_HEADER = "| calls | server CPU per frame, µs (user + sys) | server core | RSS per call, KiB | live heap per call, KiB"
            + " | generator CPU per frame, µs | generator late frames (≥ 5 ms) |\n|---|---|---|---|---|---|---|\n";
    static final String TIMELINESS_HEADER = "| calls | inbound frame to VAD decision, p50 / p99 | end of speech to STT request beyond the window, p99"
            + " | of which the server's (turn detected to STT request), p50 / p99 | TTS first audio to first media frame, p99"
            + " | reply as the caller hears it, p50 / p99 | frames lost | clips said / transcribed / answered"
            + " | failed calls or turns |\n|---|---|---|---|---|---|---|---|---|\n";

    private String label() {
        return String.format(Locale.ROOT, "%,d%s", calls, conversation ? "" : " silent");
    }

    String costLine() {
        return String.format(Locale.ROOT, "| %s | %.1f (%.1f + %.1f) | %.0f%% | %.0f | %.0f | %.1f | %,d (p99 %.1f ms, max %.1f ms) |",
                label(), userMicrosPerFrame + systemMicrosPerFrame, userMicrosPerFrame, systemMicrosPerFrame, corePercent,
                rssKbPerCall, heapKbPerCall, generator.cpuMicrosPerFrame(), generator.lateFrames(), generator.p99LatenessMillis(),
                generator.maxLatenessMillis());
    }

    String timelinessLine() {
        return String.format(Locale.ROOT, "| %s | %s / %s | %s | %s / %s | %s | %s / %s | %,d | %,d / %,d / %,d | %d |",
                label(), millis(inboundFrame, 0.50), millis(inboundFrame, 0.99), millis(turnEndToStt, 0.99),
                millis(detectedToStt, 0.50), millis(detectedToStt, 0.99), millis(ttsToMedia, 0.99), millis(generator.p50ReplyMillis()), millis(generator.p99ReplyMillis()), framesLost,
                turnsSpoken, turnsHeard, agentReplies, generator.failedCalls() + agentFailures);
    }

    /**
     * A quantile, or a dash when nothing was observed; at the top bound it says so ({@code ≥ 10 s}): the truth
     * is somewhere above it.
     */
    private static String millis(HistogramSnapshot histogram, double quantile) {
        double[] bounds = histogram.upperBounds();
        double seconds = histogram.quantile(quantile);
        if (!Double.isNaN(seconds) && seconds >= bounds[bounds.length - 1]) {
            return String.format(Locale.ROOT, "≥ %.0f s", bounds[bounds.length - 1]);
        }
        return millis(seconds * 1000);
    }

    /** Microseconds below a millisecond, where the server's own per-frame work is. */
    private static String millis(double millis) {
        if (Double.isNaN(millis)) {
            return "–";
        }
        if (millis < 1) {
            return String.format(Locale.ROOT, "%.0f µs", millis * 1000);
        }
        return millis < 10 ? String.format(Locale.ROOT, "%.1f ms", millis) : String.format(Locale.ROOT, "%.0f ms", millis);
    }

    static String tables(List<CapacityRow> rows, String pinning, int speakEverySeconds, Duration window) {
        StringBuilder tables = new StringBuilder()
                .append("Capacity: ").append(pinning).append("; in a conversation each caller says a 3.2 s clip every ")
                .append(speakEverySeconds).append(" s and an agent answers each turn through /generate; silent calls stream silence only.")
                .append(" Server figures over a ").append(window.toSeconds()).append(" s window once every call streams.\n\n")
                .append(COST_HEADER);
        rows.forEach(row -> tables.append(row.costLine()).append('\n'));
        tables.append('\n').append(TIMELINESS_HEADER);
        rows.forEach(row -> tables.append(row.timelinessLine()).append('\n'));
        return tables.append("""

                Server latencies come from its /metrics histograms (buckets 10 µs to 10 s, six a decade, so a quantile is
                within one bucket). "Reply as the caller hears it" is emulate's: from the end of its clip to the first
                audio back, the 2.8 s silence window (SILENCE_CHUNKS_TRIGGER=140, the prototype's) included. "Frames
                lost": sent by the generator, never counted by the server. "Clips said / transcribed / answered": every
                clip said should reach speech-to-text once, and its agent answer it.
                """).toString();
    }
}
