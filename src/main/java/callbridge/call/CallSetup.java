package callbridge.call;

import callbridge.audio.TurnSegmenter;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a new call's session is made: its own turn segmenter (each holds a native VAD), the talk timeout
 * it starts with, and the services it uses.
 *
 * @param segmenters  makes one segmenter per call
 * @param talkTimeout how long a call may go without far-end speech or {@code /generate} activity
 */
public record CallSetup(Supplier<TurnSegmenter> segmenters, Duration talkTimeout, CallServices services) {
    public CallSetup {
        Objects.requireNonNull(segmenters, "segmenters");
        Objects.requireNonNull(talkTimeout, "talkTimeout");
        Objects.requireNonNull(services, "services");
    }

    /** A session for the call {@code callSid}, whose media arrives on {@code stream}. */
    public CallSession open(String callSid, MediaStream stream) {
        return new CallSession(callSid, stream, segmenters.get(), services.speechToText(), services.textToSpeech(),
                talkTimeout, services.clock(), services.metrics());
    }
}
