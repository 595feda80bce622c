package callbridge.speech;

import callbridge.audio.Frames;
import callbridge.json.Json;
import callbridge.logging.LogText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON of ElevenLabs' realtime speech-to-text (Scribe v2 Realtime, {@code GET /v1/speech-to-text/realtime}),
 * pure: text in, event out; audio in, text out. What we send is one message type only, as in the official
 * SDKs and the API reference's AsyncAPI: {@code input_audio_chunk}, whose {@code commit: true} is also the
 * manual commit (there is no separate commit message). What the service sends carries {@code message_type};
 * types we do not know are ignored, as the official SDKs do (the service adds event types over time).
 */
public final class ScribeRealtimeMessages {
    /** Our audio: 8 kHz mu-law, the query's {@code audio_format=ulaw_8000}; each chunk names its rate. */
    public static final int SAMPLE_RATE = Frames.SAMPLE_RATE;
    /**
     * A transcript longer than this is cut: about ten minutes of speech, longer than any turn a call keeps,
     * so only a broken or hostile service reaches it, and then it cannot make a call hold more.
     */
    public static final int MAX_TEXT_CHARS = 10_000;
    /** An error's text from the service: a sentence, kept as one in the utterances and records it reaches. */
    static final int MAX_ERROR_CHARS = 300;

    /**
     * Every error the service documents ({@code {"message_type": X, "error": "..."}}, sent just before it
     * closes the session), with the kind a failure is counted as: refused like a 4xx, turned away for load
     * like a 429, or failed like a 5xx. {@code unaccepted_terms_error} is the spelling the Python and JS SDK
     * wrappers match on; the wire spelling is {@code unaccepted_terms}, so both are here.
     */
    private static final Map<String, SpeechException.Kind> ERRORS = Map.ofEntries(
            Map.entry("auth_error", SpeechException.Kind.HTTP_4XX),
            Map.entry("quota_exceeded", SpeechException.Kind.HTTP_4XX),
            Map.entry("unaccepted_terms", SpeechException.Kind.HTTP_4XX),
            Map.entry("unaccepted_terms_error", SpeechException.Kind.HTTP_4XX),
            Map.entry("input_error", SpeechException.Kind.HTTP_4XX),
            Map.entry("invalid_request", SpeechException.Kind.HTTP_4XX),
            Map.entry("chunk_size_exceeded", SpeechException.Kind.HTTP_4XX),
            Map.entry("session_time_limit_exceeded", SpeechException.Kind.HTTP_4XX),
            Map.entry("insufficient_audio_activity", SpeechException.Kind.HTTP_4XX),
            Map.entry("rate_limited", SpeechException.Kind.RATE_LIMITED),
            Map.entry("commit_throttled", SpeechException.Kind.RATE_LIMITED),
            Map.entry("resource_exhausted", SpeechException.Kind.RATE_LIMITED),
            Map.entry("queue_overflow", SpeechException.Kind.RATE_LIMITED),
            Map.entry("transcriber_error", SpeechException.Kind.HTTP_5XX),
            Map.entry("error", SpeechException.Kind.HTTP_5XX));

    private ScribeRealtimeMessages() {
    }

    /** What the service sent, decoded. */
    public sealed interface ServerEvent {
    }

    /** The first message of a session: the service is ready for audio. */
    public record SessionStarted(String sessionId) implements ServerEvent {
        public SessionStarted {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** The whole text so far of the segment since the last commit (not a delta); may still change. */
    public record Partial(String text) implements ServerEvent {
        public Partial {
            Objects.requireNonNull(text, "text");
        }
    }

    /** The final text of one committed segment (possibly empty). */
    public record Committed(String text) implements ServerEvent {
        public Committed {
            Objects.requireNonNull(text, "text");
        }
    }

    /** One of the documented errors; the service closes the session after it. */
    public record ServiceError(String type, String message, SpeechException.Kind kind) implements ServerEvent {
        public ServiceError {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * A message we have no use for: {@code committed_transcript_with_timestamps} (only sent when asked for),
     * {@code final_transcript}, or a type newer than this code.
     */
    public record Ignored(String type) implements ServerEvent {
        public Ignored {
            Objects.requireNonNull(type, "type");
        }
    }

    /** A message that is not what the protocol says: not JSON, no {@code message_type}, a field missing. */
    public static final class MalformedMessageException extends Exception {
        MalformedMessageException(String message) {
            super(message);
        }
    }

    /** {@code input_audio_chunk} with {@code commit: false}: audio to add to the current segment. */
    public static String audioChunk(byte[] mulaw) {
        return inputAudioChunk(mulaw, false);
    }

    /**
     * {@code input_audio_chunk} with {@code commit: true}: the segment ends after {@code mulaw} (which may be
     * empty, the SDKs' own commit) and its committed transcript follows.
     */
    public static String commit(byte[] mulaw) {
        return inputAudioChunk(mulaw, true);
    }

    private static String inputAudioChunk(byte[] mulaw, boolean commit) {
        // No previous_text: the service accepts it only on the first chunk, and we have no context to give.
        ObjectNode chunk = Json.MAPPER.createObjectNode()
                .put("message_type", "input_audio_chunk")
                .put("audio_base_64", Base64.getEncoder().encodeToString(mulaw))
                .put("commit", commit)
                .put("sample_rate", SAMPLE_RATE);
        return Json.write(chunk);
    }

    /** Decodes one message from the service; texts longer than {@link #MAX_TEXT_CHARS} are cut there. */
    public static ServerEvent decode(String message) throws MalformedMessageException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(message);
        } catch (IOException e) {
            throw new MalformedMessageException("not JSON: " + excerpt(message));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException("not a JSON object: " + excerpt(message));
        }
        JsonNode type = root.get("message_type");
        if (type == null || !type.isTextual()) {
            throw new MalformedMessageException("no message_type: " + excerpt(message));
        }
        String name = type.asText();
        SpeechException.Kind errorKind = ERRORS.get(name);
        if (errorKind != null) {
            // The spec requires "error"; a service that leaves it out still ended the session.
            JsonNode error = root.get("error");
            String text = error != null && error.isTextual() ? error.asText() : "(no details)";
            // A sentence for a log line and an utterance's error, not a transcript: its own, short bound.
            return new ServiceError(name, text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS), errorKind);
        }
        return switch (name) {
            case "session_started" -> new SessionStarted(cut(root.path("session_id").asText("")));
            case "partial_transcript" -> new Partial(text(root, name));
            case "committed_transcript" -> new Committed(text(root, name));
            default -> new Ignored(name);
        };
    }

    /** The required {@code text} field of a transcript. */
    private static String text(JsonNode root, String type) throws MalformedMessageException {
        JsonNode text = root.get("text");
        if (text == null || !text.isTextual()) {
            throw new MalformedMessageException(type + " without a text");
        }
        return cut(text.asText());
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS);
    }

    /** The start of a bad message, for a log line that stays one line: cut before anything looks at the rest. */
    private static String excerpt(String message) {
        return LogText.quote(message);
    }
}
