package callbridge.twilio;

import callbridge.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Twilio media-stream JSON, both ways, with no I/O: text in, {@link MediaStreamEvent} out; and the three
 * messages Twilio accepts from us ({@code media}, {@code mark}, {@code clear}) as text. Unknown events and
 * unknown fields are ignored, as the protocol may grow; a known event missing a required field is malformed.
 */
public final class MediaStreamCodec {
    private MediaStreamCodec() {
    }

    /** The event in {@code text}, or empty for an event callbridge does not use. */
    public static Optional<MediaStreamEvent> decode(String text) throws MalformedMessageException {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("not JSON: " + e.getOriginalMessage());
        }
        if (message == null || !message.isObject()) {
            throw new MalformedMessageException("not a JSON object");
        }
        String event = message.path("event").asText("");
        return switch (event) {
            case "connected" -> Optional.of(new MediaStreamEvent.Connected(
                    message.path("protocol").asText(""), message.path("version").asText("")));
            case "start" -> Optional.of(start(message));
            case "media" -> Optional.of(media(message));
            case "mark" -> Optional.of(new MediaStreamEvent.Mark(
                    required(message, "streamSid"), required(message.path("mark"), "name")));
            case "dtmf" -> Optional.of(new MediaStreamEvent.Dtmf(required(message, "streamSid"),
                    message.path("dtmf").path("track").asText(""), required(message.path("dtmf"), "digit")));
            case "stop" -> Optional.of(new MediaStreamEvent.Stop(required(message, "streamSid"),
                    message.path("stop").path("callSid").asText("")));
            case "" -> throw new MalformedMessageException("no event field");
            default -> Optional.empty();
        };
    }

    /** Audio for Twilio to play: raw mu-law 8 kHz, base64 in {@code media.payload}. */
    public static String media(String streamSid, byte[] mulaw) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("event", "media").put("streamSid", streamSid);
        message.putObject("media").put("payload", Base64.getEncoder().encodeToString(mulaw));
        return Json.write(message);
    }

    /** Asks Twilio to echo {@code name} back once everything sent before it has been played. */
    public static String mark(String streamSid, String name) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("event", "mark").put("streamSid", streamSid);
        message.putObject("mark").put("name", name);
        return Json.write(message);
    }

    /** Drops audio Twilio has buffered but not played; Twilio then echoes every pending mark. */
    public static String clear(String streamSid) {
        return Json.write(Json.MAPPER.createObjectNode().put("event", "clear").put("streamSid", streamSid));
    }

    private static MediaStreamEvent.Start start(JsonNode message) throws MalformedMessageException {
        JsonNode start = message.path("start");
        List<String> tracks = new ArrayList<>();
        start.path("tracks").forEach(track -> tracks.add(track.asText()));
        Map<String, String> parameters = new LinkedHashMap<>();
        start.path("customParameters").properties().forEach(p -> parameters.put(p.getKey(), p.getValue().asText()));
        JsonNode format = start.path("mediaFormat");
        String streamSid = message.hasNonNull("streamSid") ? message.get("streamSid").asText() : required(start, "streamSid");
        return new MediaStreamEvent.Start(streamSid, required(start, "callSid"), start.path("accountSid").asText(""),
                tracks, parameters, format.path("encoding").asText("audio/x-mulaw"),
                format.path("sampleRate").asInt(8000), format.path("channels").asInt(1));
    }

    private static MediaStreamEvent.Media media(JsonNode message) throws MalformedMessageException {
        JsonNode media = message.path("media");
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(required(media, "payload"));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("media payload is not base64");
        }
        // Twilio sends these numbers as strings; asLong reads either form.
        return new MediaStreamEvent.Media(required(message, "streamSid"), media.path("track").asText("inbound"),
                media.path("chunk").asLong(0), media.path("timestamp").asLong(0), payload);
    }

    private static String required(JsonNode node, String field) throws MalformedMessageException {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.asText().isEmpty()) {
            throw new MalformedMessageException("missing " + field);
        }
        return value.asText();
    }
}
