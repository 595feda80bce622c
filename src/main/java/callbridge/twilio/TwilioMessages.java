package callbridge.twilio;

import callbridge.audio.Frames;
import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Twilio's side of the media-stream JSON, with no I/O: the messages Twilio sends around a call's audio,
 * written field for field as Twilio's documentation shows them
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages), the audio itself being
 * {@link MediaMessage}'s; and the ones it accepts read back as {@link MediaStreamCommand}s. The server's side
 * is {@link MediaStreamCodec}: what either writes, the other reads. For {@code emulate} and the tests' stand-in
 * for Twilio.
 *
 * <p>Twilio writes {@code sequenceNumber}, {@code chunk} and {@code timestamp} as JSON strings, not numbers,
 * and so do this class and {@link MediaMessage}: a server that reads them as numbers must fail here as it
 * would in production.
 * {@code sequenceNumber} counts every message after {@code connected} (which has none), starting at "1" for
 * {@code start}; {@code chunk} counts media messages from "1"; {@code timestamp} is milliseconds since the
 * stream began.
 */
public final class TwilioMessages {
    /** {@code <Connect><Stream>} streams the caller's audio only. */
    static final String INBOUND = "inbound";
    /** The dtmf message names the track differently from the start message, as Twilio does. */
    private static final String DTMF_TRACK = "inbound_track";
    /** Twilio only offers this format for bidirectional streams: 8 kHz mono G.711 mu-law. */
    private static final String ENCODING = "audio/x-mulaw";

    private TwilioMessages() {
    }

    /** The first message on a new stream, before {@code start}: {"event":"connected","protocol":"Call","version":"1.0.0"}. */
    public static String connected() {
        return Json.write(Json.MAPPER.createObjectNode().put("event", "connected").put("protocol", "Call").put("version", "1.0.0"));
    }

    /** The stream's metadata, with the {@code <Parameter>}s of the TwiML's {@code <Stream>} as its custom parameters. */
    public static String start(long sequenceNumber, String streamSid, String callSid, String accountSid,
                               Map<String, String> customParameters) {
        ObjectNode message = header("start", sequenceNumber);
        ObjectNode start = message.putObject("start").put("accountSid", accountSid).put("streamSid", streamSid)
                .put("callSid", callSid);
        start.putArray("tracks").add(INBOUND);
        ObjectNode parameters = start.putObject("customParameters");
        customParameters.forEach(parameters::put);
        start.putObject("mediaFormat").put("encoding", ENCODING).put("sampleRate", Frames.SAMPLE_RATE).put("channels", 1);
        return Json.write(message.put("streamSid", streamSid));
    }

    /** The echo of a mark the server sent: playback has reached it (or the server sent {@code clear}). */
    public static String mark(long sequenceNumber, String streamSid, String name) {
        ObjectNode message = header("mark", sequenceNumber).put("streamSid", streamSid);
        message.putObject("mark").put("name", name);
        return Json.write(message);
    }

    /**
     * A key the caller pressed, one message per key as Twilio reports it; Twilio puts {@code streamSid} before
     * {@code sequenceNumber} in this one, and names the track {@code inbound_track}, not {@code inbound}.
     */
    public static String dtmf(long sequenceNumber, String streamSid, String digit) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("event", "dtmf").put("streamSid", streamSid)
                .put("sequenceNumber", Long.toString(sequenceNumber));
        message.putObject("dtmf").put("track", DTMF_TRACK).put("digit", digit);
        return Json.write(message);
    }

    /** The stream is over: the call hung up or the stream was stopped. */
    public static String stop(long sequenceNumber, String streamSid, String callSid, String accountSid) {
        ObjectNode message = header("stop", sequenceNumber).put("streamSid", streamSid);
        message.putObject("stop").put("accountSid", accountSid).put("callSid", callSid);
        return Json.write(message);
    }

    /**
     * What a server asked of Twilio, or empty for an event Twilio does not take. A field the message lacks
     * reads as empty (a mark with no name, a media message with no audio): Twilio does not document what it
     * does then, so the message is passed on as it came. The stream id and a mark's name are held to the
     * bounds {@link MediaStreamCodec} reads them with: the server would refuse the echo of a longer one, and
     * the peer that sent it would have us hold it for as long as its mark is pending.
     *
     * @throws MalformedMessageException when the text is not a JSON object, the audio is not base64, or the
     *                                   stream id or a mark's name is longer than the server reads
     */
    public static Optional<MediaStreamCommand> decode(String text) throws MalformedMessageException {
        JsonNode message = MediaStreamCodec.jsonObject(text);
        String streamSid = MediaStreamCodec.bounded(message.path("streamSid").asText(""), "streamSid",
                MediaStreamCodec.MAX_SID_CHARS);
        return switch (message.path("event").asText("")) {
            case "media" -> Optional.of(new MediaStreamCommand.Media(streamSid, payload(message.path("media"))));
            case "mark" -> Optional.of(new MediaStreamCommand.Mark(streamSid, MediaStreamCodec.bounded(
                    message.path("mark").path("name").asText(""), "mark name", MediaStreamCodec.MAX_MARK_NAME_CHARS)));
            case "clear" -> Optional.of(new MediaStreamCommand.Clear(streamSid));
            default -> Optional.empty();
        };
    }

    private static byte[] payload(JsonNode media) throws MalformedMessageException {
        try {
            return Base64.getDecoder().decode(media.path("payload").asText(""));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("media payload is not base64");
        }
    }

    private static ObjectNode header(String event, long sequenceNumber) {
        return Json.MAPPER.createObjectNode().put("event", event).put("sequenceNumber", Long.toString(sequenceNumber));
    }
}
