package callbridge.server;

import callbridge.call.CallSids;
import callbridge.call.SpeechCue;
import callbridge.call.TurnRequest;
import callbridge.server.QueryParameters.BadParameter;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The query of one {@code GET /generate}, read into the {@link TurnRequest} it asks for. Parameter names
 * are the prototype's, which its drivers send, and so are its spellings: {@code first=True},
 * {@code input=} (empty) for none, {@code timeout=120.0}; {@code client} is accepted and unused.
 */
final class GenerateQuery {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_TIMEOUT_SECONDS = 600;
    static final int MAX_TALK_TIMEOUT_SECONDS = 86_400;
    static final int MAX_INPUT_CHARS = 5_000;
    /** A cut-in a minute into the far end's speech is no longer an interruption; and the wait stays bounded. */
    static final int MAX_INTERRUPT_AFTER_MS = 60_000;
    /** An ISO-8601 instant is about 30 characters; anything much longer is not one, and is not echoed whole. */
    private static final int MAX_INSTANT_CHARS = 64;

    private GenerateQuery() {
    }

    /**
     * Reads the decoded query parameters. {@code first=true} waits for the far end's first utterance, which is
     * what a request without input does: it only refuses input.
     */
    static TurnRequest parse(Map<String, String> query) throws BadParameter {
        String sid = query.getOrDefault("sid", "").strip();
        if (sid.isEmpty()) {
            throw new BadParameter("sid is required (the Twilio CallSid)");
        }
        if (!CallSids.isCallSid(sid)) {
            // No call can have it; refused here, it is never waited on, logged or kept, whatever its size.
            throw new BadParameter("sid must be a Twilio CallSid: CA and 32 hex digits");
        }
        boolean first = QueryParameters.bool(query, "first");
        // The prototype's drivers send input= (empty) to only listen, with first=True or without it.
        Optional<String> input = Optional.ofNullable(query.get("input")).map(String::strip).filter(text -> !text.isEmpty());
        if (input.isPresent() && input.get().length() > MAX_INPUT_CHARS) {
            throw new BadParameter("input is longer than " + MAX_INPUT_CHARS + " characters");
        }
        if (first && input.isPresent()) {
            throw new BadParameter("first=true waits for the first utterance and takes no input");
        }
        Duration timeout = QueryParameters.seconds(query, "timeout", 0, MAX_TIMEOUT_SECONDS).orElse(DEFAULT_TIMEOUT);
        Optional<Duration> talkTimeout = QueryParameters.seconds(query, "talk_timeout", 1, MAX_TALK_TIMEOUT_SECONDS);
        SpeechCue cue = cue(query);
        boolean answerOncePlayed = answerOncePlayed(query);
        if (input.isEmpty() && (!(cue instanceof SpeechCue.Now) || answerOncePlayed)) {
            throw new BadParameter("reply_at, interrupt_after_ms and answer=played say when and how to speak input: they need input");
        }
        return new TurnRequest(sid, input, timeout, talkTimeout, cue, answerOncePlayed);
    }

    /**
     * When the input is spoken: {@code reply_at} (an ISO-8601 instant) or {@code interrupt_after_ms} (into the
     * far end's speech), one moment to speak at, so not both; neither, at once.
     */
    private static SpeechCue cue(Map<String, String> query) throws BadParameter {
        String replyAt = query.get("reply_at");
        String interruptAfter = query.get("interrupt_after_ms");
        if (replyAt != null && interruptAfter != null) {
            throw new BadParameter("reply_at and interrupt_after_ms each say when to speak: give one of them");
        }
        if (replyAt != null) {
            return new SpeechCue.At(instant("reply_at", replyAt));
        }
        if (interruptAfter != null) {
            return new SpeechCue.IntoFarEndSpeech(Duration.ofMillis(millis("interrupt_after_ms", interruptAfter, MAX_INTERRUPT_AFTER_MS)));
        }
        return new SpeechCue.Now();
    }

    /** {@code answer=utterance} (the default: the far end's next utterance) or {@code answer=played}. */
    private static boolean answerOncePlayed(Map<String, String> query) throws BadParameter {
        String value = query.getOrDefault("answer", "utterance");
        return switch (value.strip()) {
            case "utterance", "" -> false;
            case "played" -> true;
            default -> throw BadParameter.invalid("answer", "utterance or played", value);
        };
    }

    /** An ISO-8601 instant ({@code 2026-01-01T12:00:00.250Z}), as the server's answers write them. */
    private static Instant instant(String name, String value) throws BadParameter {
        if (value.length() <= MAX_INSTANT_CHARS) {
            try {
                return Instant.parse(value.strip());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw BadParameter.invalid(name, "an instant on the server's clock, as its answers write them (2026-01-01T12:00:00.250Z)", value);
    }

    /** Whole milliseconds from 0 to {@code max}. */
    private static long millis(String name, String value, int max) throws BadParameter {
        try {
            long millis = Long.parseLong(value.strip());
            if (millis >= 0 && millis <= max) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BadParameter.invalid(name, "whole milliseconds from 0 to " + max, value);
    }
}
