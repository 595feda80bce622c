package callbridge.talk;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened in one conversation, as it happens: kept by the conversation's own thread, read for the
 * report once that thread is done.
 */
final class ConversationLog {
    /**
     * One line said, by the user or the agent (an entry of the report's {@code turns}). {@code latencyMillis}
     * (the agent's only) runs from the end of our playback to its speech;
     * {@code timings} are the other turn-taking measures that apply to it; {@code keys}, the keys the user
     * pressed before saying it (empty: none), with {@code text} empty when the keys were the whole turn.
     */
    record Line(Speaker speaker, String text, Instant at, Optional<Long> latencyMillis, Optional<String> error, Timings timings,
                String keys) {
        Line(Speaker speaker, String text, Instant at, Optional<Long> latencyMillis, Optional<String> error, Timings timings) {
            this(speaker, text, at, latencyMillis, error, timings, "");
        }

        Line(Speaker speaker, String text, Instant at, Optional<Long> latencyMillis, Optional<String> error) {
            this(speaker, text, at, latencyMillis, error, Timings.NONE);
        }

        /** This line, with the keys the user pressed before it. */
        Line pressing(String pressed) {
            return new Line(speaker, text, at, latencyMillis, error, timings, pressed);
        }
    }

    /**
     * How a turn was timed against the other side's, in milliseconds, from the server's times (see
     * {@link TurnTimeline}); each present only where it applies.
     *
     * @param replyGap          ours: from the end of the agent's speech to our first audio
     * @param plannedReplyGap   ours: the gap drawn from {@code --reply-gap}
     * @param interruptedAfter  ours, cutting in: from the start of the agent's speech to our first audio
     * @param plannedInterrupt  ours, cutting in: how far in it was meant to come
     * @param keptTalking       the agent's, when we cut into it: from our first audio to the end of its speech
     */
    record Timings(Optional<Long> replyGap, Optional<Long> plannedReplyGap, Optional<Long> interruptedAfter,
                   Optional<Long> plannedInterrupt, Optional<Long> keptTalking) {
        static final Timings NONE = new Timings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    enum Speaker {
        AGENT, USER;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String label;
    private final String to;
    private final String from;
    private final Instant startedAt;
    private final List<Line> turns = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<String, String> extras = new LinkedHashMap<>();
    private Optional<String> callSid = Optional.empty();
    private Optional<JsonNode> serverRecord = Optional.empty();
    private Instant endedAt;
    private Ending ending;

    ConversationLog(String label, String to, String from, Instant startedAt) {
        this.label = label;
        this.to = to;
        this.from = from;
        this.startedAt = startedAt;
    }

    void placed(String sid) {
        callSid = Optional.of(sid);
    }

    void add(Line turn) {
        turns.add(turn);
    }

    void error(String message) {
        errors.add(message);
    }

    /** Another fact worth keeping, such as the Galtea session. */
    void extra(String name, String value) {
        extras.put(name, value);
    }

    /** The server's record of the call ({@code GET /calls/{sid}}), with its own timings of every turn. */
    void serverRecord(JsonNode record) {
        serverRecord = Optional.of(record);
    }

    Optional<JsonNode> serverRecord() {
        return serverRecord;
    }

    void end(Ending how, Instant at) {
        ending = how;
        endedAt = at;
    }

    String label() {
        return label;
    }

    String to() {
        return to;
    }

    String from() {
        return from;
    }

    Optional<String> callSid() {
        return callSid;
    }

    Instant startedAt() {
        return startedAt;
    }

    Optional<Instant> endedAt() {
        return Optional.ofNullable(endedAt);
    }

    Optional<Ending> ending() {
        return Optional.ofNullable(ending);
    }

    List<Line> turns() {
        return List.copyOf(turns);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    /** In the order they were added. */
    Map<String, String> extras() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    long userTurns() {
        return turns.stream().filter(turn -> turn.speaker() == Speaker.USER).count();
    }

    /** The median of the agent's response latencies, if it answered any line. */
    Optional<Duration> medianLatency() {
        return median(turns.stream().flatMap(turn -> turn.latencyMillis().stream()).toList());
    }

    /** The median of our reply gaps, if we replied to the agent at all. */
    Optional<Duration> medianReplyGap() {
        return median(turns.stream().flatMap(turn -> turn.timings().replyGap().stream()).toList());
    }

    /** How many of our lines cut into the agent's speech. */
    long interruptions() {
        return turns.stream().filter(turn -> turn.timings().interruptedAfter().isPresent()).count();
    }

    private static Optional<Duration> median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Optional.empty() : Optional.of(Duration.ofMillis(sorted.get(sorted.size() / 2)));
    }
}
