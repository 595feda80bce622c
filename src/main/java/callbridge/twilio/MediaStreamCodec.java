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
import java.util.regex.Pattern;

/**
 * Twilio media-stream JSON, both ways, with no I/O: text in, {@link MediaStreamEvent} out; and the three
 * messages Twilio accepts from us ({@code media}, {@code mark}, {@code clear}) as text. Unknown events and
 * unknown fields are ignored, as the protocol may grow; a known event missing a required field is malformed.
 * This is the server's side; {@link TwilioMessages} is Twilio's, and each reads what the other writes.
 *
 * <p>Every value a peer chooses and callbridge keeps (in a session, a record, a log line) has a size bound
 * here, taken from what Twilio itself can send; a message past one is malformed, so nothing downstream ever
 * holds more than these: see the limits below.
 */
public final class MediaStreamCodec {
    /** Twilio's SIDs are two letters and 32 hex digits; room to spare, but not a 64 KiB "SID". */
    static final int MAX_SID_CHARS = 64;
    /** Twilio's REST API numbers stream parameters Parameter1 to Parameter99. */
    static final int MAX_PARAMETERS = 99;
    /** Names and values of all custom parameters together: Twilio refuses TwiML over 4,000 characters (error 32018). */
    static final int MAX_PARAMETER_CHARS = 4_000;
    /** Twilio's tracks are inbound and outbound. */
    static final int MAX_TRACKS = 2;
    /** Our marks are "endOfPlayback-N"; an echo of a longer name cannot be one of ours. */
    static final int MAX_MARK_NAME_CHARS = 128;
    /** The keys of a phone keypad, and the fourth column (A-D) some keypads have. */
    private static final Pattern DTMF_DIGIT = Pattern.compile("[0-9*#A-D]");

    private MediaStreamCodec() {
    }

    /** The event in {@code text}, or empty for an event callbridge does not use. */
    public static Optional<MediaStreamEvent> decode(String text) throws MalformedMessageException {
        JsonNode message = jsonObject(text);
        String event = message.path("event").asText("");
        return switch (event) {
            case "connected" -> Optional.of(new MediaStreamEvent.Connected(
                    message.path("protocol").asText(""), message.path("version").asText("")));
            case "start" -> Optional.of(start(message));
            case "media" -> Optional.of(media(message));
            case "mark" -> Optional.of(new MediaStreamEvent.Mark(
                    sid(message, "streamSid"), bounded(required(message.path("mark"), "name"), "mark name", MAX_MARK_NAME_CHARS)));
            case "dtmf" -> Optional.of(new MediaStreamEvent.Dtmf(sid(message, "streamSid"),
                    bounded(message.path("dtmf").path("track").asText(""), "dtmf track", MAX_SID_CHARS),
                    digit(required(message.path("dtmf"), "digit"))));
            case "stop" -> Optional.of(new MediaStreamEvent.Stop(sid(message, "streamSid"),
                    bounded(message.path("stop").path("callSid").asText(""), "callSid", MAX_SID_CHARS)));
            case "" -> throw new MalformedMessageException("no event field");
            default -> Optional.empty();
        };
    }

    /** Every media-stream message, either way, is one JSON object. */
    static JsonNode jsonObject(String text) throws MalformedMessageException {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("not JSON: " + e.getOriginalMessage());
        }
        if (message == null || !message.isObject()) {
            throw new MalformedMessageException("not a JSON object");
        }
        return message;
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
        JsonNode format = start.path("mediaFormat");
        String streamSid = message.hasNonNull("streamSid") ? sid(message, "streamSid") : sid(start, "streamSid");
        return new MediaStreamEvent.Start(streamSid, sid(start, "callSid"),
                bounded(start.path("accountSid").asText(""), "accountSid", MAX_SID_CHARS),
                tracks(start.path("tracks")), parameters(start.path("customParameters")),
                bounded(format.path("encoding").asText("audio/x-mulaw"), "encoding", MAX_SID_CHARS),
                format.path("sampleRate").asInt(8000), format.path("channels").asInt(1));
    }

    private static List<String> tracks(JsonNode tracks) throws MalformedMessageException {
        if (tracks.size() > MAX_TRACKS) {
            throw new MalformedMessageException("more than " + MAX_TRACKS + " tracks");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode track : tracks) {
            names.add(bounded(track.asText(), "track", MAX_SID_CHARS));
        }
        return names;
    }

    private static Map<String, String> parameters(JsonNode custom) throws MalformedMessageException {
        if (custom.size() > MAX_PARAMETERS) {
            throw new MalformedMessageException("more than " + MAX_PARAMETERS + " custom parameters");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int chars = 0;
        for (Map.Entry<String, JsonNode> parameter : custom.properties()) {
            if (!parameter.getValue().isTextual()) {
                // <Parameter value="..."/> is always a string; an object here would be read as "" and kept.
                throw new MalformedMessageException("custom parameter " + parameter.getKey() + " is not a string");
            }
            String value = parameter.getValue().asText();
            chars += parameter.getKey().length() + value.length();
            if (chars > MAX_PARAMETER_CHARS) {
                throw new MalformedMessageException("custom parameters over " + MAX_PARAMETER_CHARS + " characters");
            }
            parameters.put(parameter.getKey(), value);
        }
        return parameters;
    }

    /** One key of the keypad: anything else is no key press, and keeping it would let a peer size our memory. */
    private static String digit(String digit) throws MalformedMessageException {
        if (!DTMF_DIGIT.matcher(digit).matches()) {
            throw new MalformedMessageException("dtmf digit is not one of 0-9 * # A-D");
        }
        return digit;
    }

    private static String sid(JsonNode node, String field) throws MalformedMessageException {
        return bounded(required(node, field), field, MAX_SID_CHARS);
    }

    static String bounded(String value, String what, int maxChars) throws MalformedMessageException {
        if (value.length() > maxChars) {
            throw new MalformedMessageException(what + " longer than " + maxChars + " characters");
        }
        return value;
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
        return new MediaStreamEvent.Media(sid(message, "streamSid"), bounded(media.path("track").asText("inbound"), "track", MAX_SID_CHARS),
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
