package callbridge.talk;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
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

    void said(String label, ConversationLog.Line turn) {
        String who = turn.speaker() == ConversationLog.Speaker.AGENT ? "agent" : "user ";
        List<String> notes = new ArrayList<>();
        turn.latencyMillis().ifPresent(ms -> notes.add(ms + " ms"));
        turn.timings().keptTalking().ifPresent(ms -> notes.add("talked on " + ms + " ms after we cut in"));
        String noted = notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")";
        String error = turn.error().map(e -> " [" + e + "]").orElse("");
        // Keys pressed alone show as the keys and nothing after them: no empty words to read.
        String keys = turn.keys().isEmpty() ? "" : "[keys " + turn.keys() + "]" + (turn.text().isEmpty() ? "" : " ");
        print(label, who + noted + ": " + keys + turn.text() + error);
    }

    /** How our line, already shown as it was said, was timed against the agent's speech; nothing when it was not. */
    void timed(String label, ConversationLog.Line ours) {
        ConversationLog.Timings timings = ours.timings();
        String planned = timings.plannedReplyGap().or(timings::plannedInterrupt).map(ms -> " (planned " + ms + ")").orElse("");
        timings.replyGap().ifPresent(ms -> event(label, "our line began " + ms + " ms after the agent stopped" + planned));
        timings.interruptedAfter().ifPresent(ms -> event(label, "our line cut in " + ms + " ms into the agent's speech" + planned));
        ours.error().ifPresent(error -> event(label, "our line: " + error));
    }

    void event(String label, String text) {
        print(label, "-- " + text);
    }

    /** The closing line of one conversation. */
    void summary(ConversationLog log) {
        String ending = log.ending().map(e -> e.outcome().wireName() + " (" + e.detail() + ")").orElse("not run");
        Optional<String> latency = log.medianLatency().map(d -> ", median agent latency " + d.toMillis() + " ms");
        Optional<String> gap = log.medianReplyGap().map(d -> ", median reply gap " + d.toMillis() + " ms");
        String interruptions = log.interruptions() == 0 ? "" : ", " + log.interruptions() + " interruption(s)";
        out.println(log.label() + " " + log.callSid().orElse("(no call)") + ": " + log.userTurns() + " user turn(s), "
                + ending + latency.orElse("") + gap.orElse("") + interruptions);
    }

    void plain(String line) {
        out.println(line);
    }

    private void print(String label, String text) {
        out.println(labelled ? "[" + label + "] " + text : text);
    }
}
