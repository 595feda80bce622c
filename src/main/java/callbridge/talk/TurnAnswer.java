package callbridge.talk;

import callbridge.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The callbridge server's answer to one {@code /generate}, as talk reads it: the agent heard, the call ended,
 * our line played ({@code answer=played}), or silence; with the server's own times of both sides' speech.
 */
sealed interface TurnAnswer {
    /**
     * One utterance of the agent; {@code error} is set when it could not be transcribed. Its times are the
     * server's (when its first and last speech frames arrived), empty from a server that does not send them.
     */
    record Spoken(String text, Optional<String> error, Optional<Instant> startedAt, Optional<Instant> endedAt) {
    }

    /**
     * Our line as the server played it: when its first audio went out and when Twilio said it had played, how
     * its playback ended ({@code played}, {@code interrupted}...), and with {@code interrupt_after_ms} when the
     * agent's speech it cut into began. Server times, as above.
     */
    record OurSpeech(Optional<Instant> startedAt, Optional<Instant> endedAt, String outcome, Optional<Instant> cutIntoSpeechStartedAt) {
        /** The server's barge-in ({@code BARGE_IN=true}) stopped it: the far end talked over it. */
        boolean stoppedByBargeIn() {
            return outcome.equals("interrupted");
        }
    }

    /**
     * The agent said {@code reply}, {@code latencyMillis} after our line had played. {@code earlier} is what it
     * said before that while nobody was asking (the server's {@code heard_before}): begun before our line.
     */
    record Heard(List<Spoken> earlier, Spoken reply, Optional<Long> latencyMillis, Optional<OurSpeech> ours) implements TurnAnswer {
        public Heard {
            earlier = List.copyOf(earlier);
        }

        /** Everything the agent said this turn, as one answer to the user's line. */
        AgentReply wholeReply() {
            if (earlier.isEmpty()) {
                return new AgentReply(reply.text(), latencyMillis);
            }
            List<String> all = new ArrayList<>();
            earlier.forEach(spoken -> all.add(spoken.text()));
            all.add(reply.text());
            return new AgentReply(String.join(" ", all), latencyMillis);
        }
    }

    /** The call is over; {@code reason} says why (hung up, talk timeout...); {@code earlier}, what the agent said last. */
    record CallEnded(String reason, List<Spoken> earlier, Optional<OurSpeech> ours) implements TurnAnswer {
        public CallEnded {
            earlier = List.copyOf(earlier);
        }
    }

    /** Our line has played ({@code answer=played}); the agent's answer is for the next request. */
    record Played(OurSpeech ours) implements TurnAnswer {
    }

    /** Nothing was said within the wait (HTTP 204); with a cut-in, nothing of ours either. */
    record Silence() implements TurnAnswer {
    }

    static TurnAnswer read(String body) throws IOException {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException("the callbridge server's answer is not JSON: " + body, e);
        }
        String response = answer.path("response").asText("");
        List<Spoken> earlier = new ArrayList<>();
        answer.path("heard_before").forEach(utterance -> earlier.add(spoken(utterance, utterance.path("text").asText(""))));
        Optional<OurSpeech> ours = answer.path("playback").isObject() ? Optional.of(ours(answer)) : Optional.empty();
        switch (answer.path("kind").asText()) {
            case "call_ended" -> {
                // Newer servers keep the driver-facing sentence in "response" and the cause in "reason".
                return new CallEnded(answer.path("reason").asText(response), earlier, ours);
            }
            case "played" -> {
                return new Played(ours.orElseThrow(() -> new IOException("the callbridge server's played answer has no playback: " + body)));
            }
            default -> {
                JsonNode latency = answer.path("response_latency_ms");
                Spoken reply = spoken(answer.path("utterance"), response);
                Optional<String> error = text(answer, "error");
                return new Heard(earlier, new Spoken(response, error, reply.startedAt(), reply.endedAt()),
                        latency.isNumber() ? Optional.of(latency.asLong()) : Optional.empty(), ours);
            }
        }
    }

    private static Spoken spoken(JsonNode utterance, String text) {
        return new Spoken(text, text(utterance, "error"), instant(utterance, "speech_started_at"), instant(utterance, "speech_ended_at"));
    }

    private static OurSpeech ours(JsonNode answer) {
        JsonNode playback = answer.path("playback");
        return new OurSpeech(instant(playback, "started_at"), instant(playback, "ended_at"), playback.path("outcome").asText(""),
                instant(answer.path("cut_in"), "far_end_speech_started_at"));
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.path(field).asText()) : Optional.empty();
    }

    /** An instant the server wrote; one it wrote otherwise is left out rather than failing the turn. */
    private static Optional<Instant> instant(JsonNode node, String field) {
        if (!node.path(field).isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(node.path(field).asText()));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
