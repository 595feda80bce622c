package callbridge.talk;

import java.io.PrintStream;
import java.util.Optional;

/**
 * What the user watches: one line per turn as it happens, prefixed with the conversation's label when
 * several run at once. {@link PrintStream} is synchronized, so lines of parallel calls never interleave.
 */
final class TalkConsole {
    private final PrintStream out;
    private final boolean labelled;

    TalkConsole(PrintStream out, boolean labelled) {
        this.out = out;
        this.labelled = labelled;
    }

    void said(String label, ConversationLog.Turn turn) {
        String who = turn.speaker() == ConversationLog.Speaker.AGENT ? "agent" : "user ";
        String latency = turn.latencyMillis().map(ms -> " (" + ms + " ms)").orElse("");
        String error = turn.error().map(e -> " [" + e + "]").orElse("");
        print(label, who + latency + ": " + turn.text() + error);
    }

    void event(String label, String text) {
        print(label, "-- " + text);
    }

    /** The closing line of one conversation. */
    void summary(ConversationLog log) {
        String ending = log.ending().map(e -> e.outcome().wireName() + " (" + e.detail() + ")").orElse("not run");
        Optional<String> latency = log.medianLatency().map(d -> ", median agent latency " + d.toMillis() + " ms");
        out.println(log.label() + " " + log.callSid().orElse("(no call)") + ": " + log.userTurns() + " user turn(s), "
                + ending + latency.orElse(""));
    }

    void plain(String line) {
        out.println(line);
    }

    private void print(String label, String text) {
        out.println(labelled ? "[" + label + "] " + text : text);
    }
}
