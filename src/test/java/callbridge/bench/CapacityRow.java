package callbridge.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** One line of the capacity table, and the table with what it does not measure said plainly. */
record CapacityRow(int calls, boolean conversation, double userMicrosPerFrame, double systemMicrosPerFrame, double corePercent,
                   double rssKbPerCall, double heapKbPerCall, GeneratorSummary generator, long turnsHeard,
                   long turnsSpoken, long agentReplies, long agentFailures) {
    int failedCalls() {
        return generator.failedCalls();
    }

    String markdown() {
        return String.format(Locale.ROOT, "| %,d%s | %.1f (%.1f + %.1f) | %.0f%% | %.0f | %.0f | %,d (p99 %.1f ms, max %.1f ms) | %.1f | %,d / %,d / %,d | %d |",
                calls, conversation ? "" : " silent", userMicrosPerFrame + systemMicrosPerFrame, userMicrosPerFrame, systemMicrosPerFrame, corePercent,
                rssKbPerCall, heapKbPerCall, generator.lateFrames(), generator.p99LatenessMillis(),
                generator.maxLatenessMillis(), generator.cpuMicrosPerFrame(), turnsSpoken, turnsHeard, agentReplies, failedCalls() + agentFailures);
    }

    static String table(List<CapacityRow> rows, String pinning, int speakEverySeconds, Duration window) {
        StringBuilder table = new StringBuilder()
                .append("Capacity: ").append(pinning).append("; each call says a 3.2 s clip every ").append(speakEverySeconds)
                .append(" s; server figures over a ").append(window.toSeconds()).append(" s window once every call streams.\n\n")
                .append("| calls | server CPU per frame, us (user + sys) | server core | RSS per call, KiB | live heap per call, KiB"
                        + " | generator late frames (>= 5 ms) | generator CPU per frame, us | clips said / transcribed / answered | failed calls or turns |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(row -> table.append(row.markdown()).append('\n'));
        return table.append("""

                Not measured here (they need timestamps inside the server, which it does not record yet): inbound frame
                latency (arrival to VAD decision), end of speech to STT request beyond the silence window, first TTS
                byte to first media frame, frames the server lost. "turns transcribed / spoken" is the outside proxy
                for lost audio: every clip spoken while the window ran should reach speech-to-text once.
                """).toString();
    }
}
