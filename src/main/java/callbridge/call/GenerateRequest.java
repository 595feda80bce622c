package callbridge.call;

import callbridge.logging.LogText;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The query of one {@code GET /generate}, validated. Parameter names are the prototype's, which its drivers send.
 *
 * @param sid         the Twilio CallSid
 * @param first       wait for the far end's first utterance (no input)
 * @param input       text to speak into the call before waiting
 * @param timeout     how long to wait for the call and then for an utterance
 * @param talkTimeout new idle timeout for the call, if given
 * @param cue         when the input is spoken ({@code reply_at}, {@code interrupt_after_ms}); {@link SpeechCue.Now} without input
 * @param answerOncePlayed answer as soon as the input has played ({@code answer=played}), without waiting for the far end
 */
public record GenerateRequest(String sid, boolean first, Optional<String> input, Duration timeout, Optional<Duration> talkTimeout,
                              SpeechCue cue, boolean answerOncePlayed) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_TIMEOUT_SECONDS = 600;
    static final int MAX_TALK_TIMEOUT_SECONDS = 86_400;
    static final int MAX_INPUT_CHARS = 5_000;
    /** A cut-in a minute into the far end's speech is no longer an interruption; and the wait stays bounded. */
    static final int MAX_INTERRUPT_AFTER_MS = 60_000;
    /** An ISO-8601 instant is about 30 characters; anything much longer is not one, and is not echoed whole. */
    private static final int MAX_INSTANT_CHARS = 64;

    /** The prototype's request: input spoken at once, the answer awaited. */
    public GenerateRequest(String sid, boolean first, Optional<String> input, Duration timeout, Optional<Duration> talkTimeout) {
        this(sid, first, input, timeout, talkTimeout, new SpeechCue.Now(), false);
    }

    /** A parameter with a value we cannot use; the message names it. */
    public static final class BadParameter extends Exception {
        BadParameter(String message) {
            super(message);
        }

        /** {@code name must be <expectation>, got "<value>"}: the client's value quoted, cut and escaped once, here. */
        static BadParameter invalid(String name, String expectation, String value) {
            return new BadParameter(name + " must be " + expectation + ", got " + LogText.quote(value));
        }
    }

    /**
     * Reads the decoded query parameters as the prototype's drivers send them: booleans spelled
     * {@code true/True/1} or {@code false/False/0}, an empty {@code input} for none, seconds with decimals
     * ({@code timeout=120.0}); {@code client} is accepted and unused.
     */
    public static GenerateRequest parse(Map<String, String> query) throws BadParameter {
        String sid = query.getOrDefault("sid", "").strip();
        if (sid.isEmpty()) {
            throw new BadParameter("sid is required (the Twilio CallSid)");
        }
        if (!CallSids.isCallSid(sid)) {
            // No call can have it; refused here, it is never waited on, logged or kept, whatever its size.
            throw new BadParameter("sid must be a Twilio CallSid: CA and 32 hex digits");
        }
        boolean first = bool(query, "first");
        // The prototype's drivers send input= (empty) to only listen, with first=True or without it.
        Optional<String> input = Optional.ofNullable(query.get("input")).map(String::strip).filter(text -> !text.isEmpty());
        if (input.isPresent() && input.get().length() > MAX_INPUT_CHARS) {
            throw new BadParameter("input is longer than " + MAX_INPUT_CHARS + " characters");
        }
        if (first && input.isPresent()) {
            throw new BadParameter("first=true waits for the first utterance and takes no input");
        }
        Duration timeout = seconds(query, "timeout", 0, MAX_TIMEOUT_SECONDS).orElse(DEFAULT_TIMEOUT);
        Optional<Duration> talkTimeout = seconds(query, "talk_timeout", 1, MAX_TALK_TIMEOUT_SECONDS);
        SpeechCue cue = cue(query);
        boolean answerOncePlayed = answerOncePlayed(query);
        if (input.isEmpty() && (!(cue instanceof SpeechCue.Now) || answerOncePlayed)) {
            throw new BadParameter("reply_at, interrupt_after_ms and answer=played say when and how to speak input: they need input");
        }
        return new GenerateRequest(sid, first, input, timeout, talkTimeout, cue, answerOncePlayed);
    }

    /** {@code reply_at} or {@code interrupt_after_ms}: one moment to speak at, so not both. */
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

    private static boolean bool(Map<String, String> query, String name) throws BadParameter {
        String value = query.get(name);
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw BadParameter.invalid(name, "true or false", value);
        };
    }

    /** Seconds, fractions allowed (timeout=2.5), within bounds. */
    private static Optional<Duration> seconds(Map<String, String> query, String name, int min, int max) throws BadParameter {
        String value = query.get(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(value.strip());
            if (seconds >= min && seconds <= max) {
                return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BadParameter.invalid(name, "a number of seconds from " + min + " to " + max, value);
    }
}
