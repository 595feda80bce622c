package callbridge.emulate;

import callbridge.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The media-stream JSON from Twilio's side, with no I/O: what Twilio sends ({@code connected}, {@code start},
 * {@code mark}, {@code stop}, shaped as in https://www.twilio.com/docs/voice/media-streams/websocket-messages,
 * numbers as strings as Twilio sends them; {@code media}, sent 50 times a second per call, is written into
 * reused bytes by {@link MediaMessage}), and what a server sends Twilio ({@code media}, {@code mark},
 * {@code clear}) read back.
 */
final class TwilioMessages {
    /** What the server told us. */
    sealed interface FromServer {
    }

    record Audio(byte[] mulaw) implements FromServer {
    }

    record Mark(String name) implements FromServer {
    }

    record Clear() implements FromServer {
    }

    private TwilioMessages() {
    }

    static String connected() {
        return "{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}";
    }

    static String start(long sequence, String streamSid, String callSid, String accountSid, Map<String, String> parameters) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("event", "start")
                .put("sequenceNumber", Long.toString(sequence)).put("streamSid", streamSid);
        ObjectNode start = message.putObject("start").put("accountSid", accountSid).put("streamSid", streamSid)
                .put("callSid", callSid);
        start.putArray("tracks").add("inbound");
        start.putObject("mediaFormat").put("encoding", "audio/x-mulaw").put("sampleRate", 8000).put("channels", 1);
        ObjectNode custom = start.putObject("customParameters");
        parameters.forEach(custom::put);
        return Json.write(message);
    }

    /** The echo of a mark the server sent, once playback reached it (or a clear dropped it). */
    static String mark(long sequence, String streamSid, String name) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("event", "mark")
                .put("sequenceNumber", Long.toString(sequence)).put("streamSid", streamSid);
        message.putObject("mark").put("name", name);
        return Json.write(message);
    }

    static String stop(long sequence, String streamSid, String accountSid, String callSid) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("event", "stop")
                .put("sequenceNumber", Long.toString(sequence)).put("streamSid", streamSid);
        message.putObject("stop").put("accountSid", accountSid).put("callSid", callSid);
        return Json.write(message);
    }

    /**
     * A server message, or empty for one Twilio would ignore or refuse (unknown event, malformed JSON, bad
     * base64); {@code problem} hears why, so the run can count it.
     */
    static Optional<FromServer> decode(String text, java.util.function.Consumer<String> problem) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            problem.accept("not JSON: " + e.getOriginalMessage());
            return Optional.empty();
        }
        String event = message == null ? "" : message.path("event").asText("");
        try {
            return switch (event) {
                case "media" -> Optional.of(new Audio(Base64.getDecoder().decode(message.path("media").path("payload").asText(""))));
                case "mark" -> Optional.of(new Mark(message.path("mark").path("name").asText("")));
                case "clear" -> Optional.of(new Clear());
                default -> {
                    problem.accept("unknown event '" + event + "'");
                    yield Optional.empty();
                }
            };
        } catch (IllegalArgumentException e) {
            problem.accept("media payload is not base64");
            return Optional.empty();
        }
    }
}
