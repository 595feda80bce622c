package callbridge.call;

import java.time.Duration;
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
 */
public record GenerateRequest(String sid, boolean first, Optional<String> input, Duration timeout, Optional<Duration> talkTimeout) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_TIMEOUT_SECONDS = 600;
    static final int MAX_TALK_TIMEOUT_SECONDS = 86_400;
    static final int MAX_INPUT_CHARS = 5_000;

    /** A parameter with a value we cannot use; the message names it. */
    public static final class BadParameter extends Exception {
        BadParameter(String message) {
            super(message);
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
        return new GenerateRequest(sid, first, input, timeout, talkTimeout);
    }

    private static boolean bool(Map<String, String> query, String name) throws BadParameter {
        String value = query.get(name);
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw new BadParameter(name + " must be true or false, got '" + value + "'");
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
        throw new BadParameter(name + " must be a number of seconds from " + min + " to " + max + ", got '" + value + "'");
    }
}
