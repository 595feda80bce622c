package callbridge.twilio;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The messages Twilio sends over a media-stream WebSocket, as records
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages). Twilio sends numbers such as
 * sequenceNumber, chunk and timestamp as JSON strings; here they are numbers.
 */
public sealed interface MediaStreamEvent {

    /** First message on a new stream. */
    record Connected(String protocol, String version) implements MediaStreamEvent {
    }

    /** The stream's metadata, once, before any media. */
    record Start(String streamSid, String callSid, String accountSid, List<String> tracks,
                 Map<String, String> customParameters, String encoding, int sampleRate, int channels)
            implements MediaStreamEvent {
        public Start {
            Objects.requireNonNull(streamSid, "streamSid");
            Objects.requireNonNull(callSid, "callSid");
            tracks = List.copyOf(tracks);
            customParameters = Map.copyOf(customParameters);
        }
    }

    /**
     * Audio from the call: {@code payload} is raw mu-law at 8 kHz (20 ms is 160 bytes).
     *
     * @param chunk           1-based count of this track's media messages
     * @param timestampMillis position on the stream's timeline
     */
    record Media(String streamSid, String track, long chunk, long timestampMillis, byte[] payload)
            implements MediaStreamEvent {
    }

    /** Playback reached a mark we sent (or a {@code clear} dropped the audio before it). */
    record Mark(String streamSid, String name) implements MediaStreamEvent {
    }

    /** The caller pressed a key. */
    record Dtmf(String streamSid, String track, String digit) implements MediaStreamEvent {
    }

    /** The stream ended: the call hung up, or the stream was stopped. */
    record Stop(String streamSid, String callSid) implements MediaStreamEvent {
    }
}
