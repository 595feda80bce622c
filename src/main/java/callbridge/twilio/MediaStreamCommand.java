package callbridge.twilio;

/**
 * The messages Twilio accepts from a server over a media-stream WebSocket, as records
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages#send-websocket-messages-to-twilio):
 * the other direction from {@link MediaStreamEvent}. The server writes them with {@link MediaStreamCodec};
 * Twilio's side reads them with {@link TwilioMessages#decode}.
 */
public sealed interface MediaStreamCommand {

    /** Audio for Twilio to play into the call: raw mu-law at 8 kHz, queued behind what came before. */
    record Media(String streamSid, byte[] payload) implements MediaStreamCommand {
    }

    /** Asks Twilio to echo {@code name} once everything sent before it has played. */
    record Mark(String streamSid, String name) implements MediaStreamCommand {
    }

    /** Drops the audio Twilio has queued but not played; every pending mark is then echoed at once. */
    record Clear(String streamSid) implements MediaStreamCommand {
    }
}
