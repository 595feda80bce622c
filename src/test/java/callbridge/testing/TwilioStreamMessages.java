package callbridge.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.Map;

/**
 * The JSON text messages Twilio sends on a media stream, written field for field as Twilio's documentation
 * shows them ("Media Streams - WebSocket Messages"). A pure codec: values in, text out, no I/O.
 *
 * <p>Twilio writes {@code sequenceNumber}, {@code chunk} and {@code timestamp} as JSON strings, not
 * numbers, and so does this class: a server that reads them as numbers must fail here as it would in
 * production. {@code sequenceNumber} counts every message after {@code connected} (which has none),
 * starting at "1" for {@code start}; {@code chunk} counts media messages from "1"; {@code timestamp} is
 * milliseconds since the stream began.
 */
public final class TwilioStreamMessages {
    /** Twilio only offers this format for bidirectional streams: 8 kHz mono G.711 mu-law. */
    public static final String ENCODING = "audio/x-mulaw";
    public static final int SAMPLE_RATE = 8000;
    public static final int CHANNELS = 1;
    /** {@code <Connect><Stream>} streams the caller's audio only. */
    public static final String INBOUND = "inbound";
    /** The dtmf message names the track differently from media messages, as Twilio does. */
    public static final String INBOUND_TRACK = "inbound_track";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TwilioStreamMessages() {
    }

    /** {"event":"connected","protocol":"Call","version":"1.0.0"}: the first message, before start. */
    public static String connected() {
        ObjectNode message = JSON.createObjectNode();
        message.put("event", "connected");
        message.put("protocol", "Call");
        message.put("version", "1.0.0");
        return write(message);
    }

    public static String start(long sequenceNumber, String accountSid, String callSid, String streamSid,
                               Map<String, String> customParameters) {
        ObjectNode message = header("start", sequenceNumber);
        ObjectNode start = message.putObject("start");
        start.put("accountSid", accountSid);
        start.put("streamSid", streamSid);
        start.put("callSid", callSid);
        start.putArray("tracks").add(INBOUND);
        ObjectNode parameters = start.putObject("customParameters");
        customParameters.forEach(parameters::put);
        ObjectNode format = start.putObject("mediaFormat");
        format.put("encoding", ENCODING);
        format.put("sampleRate", SAMPLE_RATE);
        format.put("channels", CHANNELS);
        message.put("streamSid", streamSid);
        return write(message);
    }

    public static String media(long sequenceNumber, String streamSid, long chunk, long timestampMillis, byte[] mulaw) {
        ObjectNode message = header("media", sequenceNumber);
        ObjectNode media = message.putObject("media");
        media.put("track", INBOUND);
        media.put("chunk", Long.toString(chunk));
        media.put("timestamp", Long.toString(timestampMillis));
        media.put("payload", Base64.getEncoder().encodeToString(mulaw));
        message.put("streamSid", streamSid);
        return write(message);
    }

    /** A key the caller pressed; Twilio puts streamSid before sequenceNumber in this one. */
    public static String dtmf(long sequenceNumber, String streamSid, String digit) {
        ObjectNode message = JSON.createObjectNode();
        message.put("event", "dtmf");
        message.put("streamSid", streamSid);
        message.put("sequenceNumber", Long.toString(sequenceNumber));
        ObjectNode dtmf = message.putObject("dtmf");
        dtmf.put("track", INBOUND_TRACK);
        dtmf.put("digit", digit);
        return write(message);
    }

    /** The echo of a mark the server sent: playback has reached it (or the server sent clear). */
    public static String mark(long sequenceNumber, String streamSid, String name) {
        ObjectNode message = header("mark", sequenceNumber);
        message.put("streamSid", streamSid);
        message.putObject("mark").put("name", name);
        return write(message);
    }

    /** The stream is over: the call hung up or the stream was stopped. */
    public static String stop(long sequenceNumber, String accountSid, String callSid, String streamSid) {
        ObjectNode message = header("stop", sequenceNumber);
        message.put("streamSid", streamSid);
        ObjectNode stop = message.putObject("stop");
        stop.put("accountSid", accountSid);
        stop.put("callSid", callSid);
        return write(message);
    }

    private static ObjectNode header(String event, long sequenceNumber) {
        ObjectNode message = JSON.createObjectNode();
        message.put("event", event);
        message.put("sequenceNumber", Long.toString(sequenceNumber));
        return message;
    }

    private static String write(ObjectNode message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
