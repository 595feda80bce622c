package callbridge.talk;

import callbridge.config.UsageException;
import callbridge.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;

/**
 * The whole run as JSON ({@code --report FILE}):
 * <pre>
 * {"started_at", "ended_at", "finished": true|false,
 *  "conversations": [{"label", "call_sid", "to", "from", "started_at", "ended_at",
 *                     "outcome": "user_done"|"max_turns"|"hung_up"|"not_answered"|"timeout"|"interrupted"|"error",
 *                     "detail", "finished", "user_turns", "median_latency_ms", "median_reply_gap_ms", "interruptions",
 *                     "turns": [{"speaker": "agent"|"user", "text", "at", "response_latency_ms"?, "error"?,
 *                                "reply_gap_ms"?, "planned_reply_gap_ms"?, "interrupted_after_ms"?,
 *                                "planned_interrupt_after_ms"?, "kept_talking_ms"?, "dtmf"? (the keys pressed before it;
 *                                with "text": "" when the keys were the whole turn)}],
 *                     "errors": [...], ...extras such as "galtea_session_id",
 *                     "server_record": the server's record of the call (see the README's "Call records")}]}
 * </pre>
 * Written to a temporary file first and then moved over {@code FILE}, so a reader never sees half a report.
 */
final class TalkReport {
    private TalkReport() {
    }

    static ObjectNode of(Instant startedAt, Instant endedAt, List<ConversationLog> logs) {
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("started_at", startedAt.toString());
        report.put("ended_at", endedAt.toString());
        report.put("finished", logs.stream().allMatch(TalkReport::finished));
        ArrayNode conversations = report.putArray("conversations");
        logs.forEach(log -> conversations.add(describe(log)));
        return report;
    }

    static boolean finished(ConversationLog log) {
        return log.ending().map(ending -> ending.outcome().finished()).orElse(false);
    }

    /** Checked before any call is placed, so a run is never lost for want of a place to write its report. */
    static void checkWritable(Path file) throws UsageException {
        Path directory = file.toAbsolutePath().getParent();
        String problem = Files.isDirectory(file) ? "it is a directory"
                : !Files.isDirectory(directory) ? directory + " does not exist"
                : !Files.isWritable(directory) ? directory + " is not writable" : null;
        if (problem != null) {
            throw new UsageException("--report " + file + " cannot be written: " + problem);
        }
    }

    static void write(Path file, ObjectNode report) throws IOException {
        Path absolute = file.toAbsolutePath();
        // A sibling, so the move is a rename on one file system; made by writeString, so it gets the usual
        // permissions of a new file (createTempFile would make it readable by its owner only).
        Path temporary = absolute.resolveSibling(absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(temporary, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static ObjectNode describe(ConversationLog log) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("label", log.label());
        log.callSid().ifPresentOrElse(sid -> node.put("call_sid", sid), () -> node.putNull("call_sid"));
        node.put("to", log.to());
        node.put("from", log.from());
        node.put("started_at", log.startedAt().toString());
        log.endedAt().ifPresent(at -> node.put("ended_at", at.toString()));
        log.ending().ifPresent(ending -> {
            node.put("outcome", ending.outcome().wireName());
            node.put("detail", ending.detail());
        });
        node.put("finished", finished(log));
        node.put("user_turns", log.userTurns());
        log.medianLatency().ifPresent(latency -> node.put("median_latency_ms", latency.toMillis()));
        log.medianReplyGap().ifPresent(gap -> node.put("median_reply_gap_ms", gap.toMillis()));
        node.put("interruptions", log.interruptions());
        ArrayNode turns = node.putArray("turns");
        for (ConversationLog.Line turn : log.turns()) {
            ObjectNode entry = turns.addObject();
            entry.put("speaker", turn.speaker().wireName());
            entry.put("text", turn.text());
            entry.put("at", turn.at().toString());
            turn.latencyMillis().ifPresent(ms -> entry.put("response_latency_ms", ms));
            turn.error().ifPresent(error -> entry.put("error", error));
            if (!turn.keys().isEmpty()) {
                entry.put("dtmf", turn.keys());
            }
            ConversationLog.Timings timings = turn.timings();
            timings.replyGap().ifPresent(ms -> entry.put("reply_gap_ms", ms));
            timings.plannedReplyGap().ifPresent(ms -> entry.put("planned_reply_gap_ms", ms));
            timings.interruptedAfter().ifPresent(ms -> entry.put("interrupted_after_ms", ms));
            timings.plannedInterrupt().ifPresent(ms -> entry.put("planned_interrupt_after_ms", ms));
            timings.keptTalking().ifPresent(ms -> entry.put("kept_talking_ms", ms));
        }
        ArrayNode errors = node.putArray("errors");
        log.errors().forEach(errors::add);
        log.extras().forEach(node::put);
        log.serverRecord().ifPresent(record -> node.set("server_record", record));
        return node;
    }
}
