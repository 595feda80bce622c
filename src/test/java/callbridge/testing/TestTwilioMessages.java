package callbridge.testing;

import callbridge.json.Json;
import callbridge.twilio.MediaMessage;
import callbridge.twilio.TwilioMessages;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Two messages of Twilio's side that only the tests' Twilio sends, beside {@link TwilioMessages} (what
 * {@code emulate} sends as well): a key the caller pressed, and one frame of audio as a string. Written as
 * Twilio's documentation shows them (https://www.twilio.com/docs/voice/media-streams/websocket-messages),
 * with numbers as strings, as Twilio sends them.
 */
public final class TestTwilioMessages {
    /** The dtmf message names the track differently from media messages, as Twilio does. */
    private static final String DTMF_TRACK = "inbound_track";

    private TestTwilioMessages() {
    }

    /** One frame of the caller's audio, raw mu-law, written by {@link MediaMessage} as {@code emulate} writes every frame. */
    public static String media(long sequenceNumber, String streamSid, long chunk, long timestampMillis, byte[] mulaw) {
        MediaMessage message = new MediaMessage(streamSid);
        int length = message.write(sequenceNumber, chunk, timestampMillis, Base64.getEncoder().encode(mulaw));
        return new String(message.bytes(), 0, length, StandardCharsets.UTF_8);
    }

    /** A key the caller pressed; Twilio puts streamSid before sequenceNumber in this one. */
    public static String dtmf(long sequenceNumber, String streamSid, String digit) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("event", "dtmf").put("streamSid", streamSid)
                .put("sequenceNumber", Long.toString(sequenceNumber));
        message.putObject("dtmf").put("track", DTMF_TRACK).put("digit", digit);
        return Json.write(message);
    }
}
