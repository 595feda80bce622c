package callbridge.call;

import callbridge.audio.TurnSegmenter;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a new call's session is made: its own turn segmenter (each holds a native VAD), the talk timeout
 * it starts with, the services it uses, and where its record goes.
 *
 * @param segmenters  makes one segmenter per call
 * @param talkTimeout how long a call may go without far-end speech or {@code /generate} activity
 * @param records     keeps each call's record (and writes it, when it has a directory)
 */
public record CallSetup(Supplier<TurnSegmenter> segmenters, Duration talkTimeout, CallServices services,
                        CallRecords records) {
    public CallSetup {
        Objects.requireNonNull(segmenters, "segmenters");
        Objects.requireNonNull(talkTimeout, "talkTimeout");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(records, "records");
    }

    /** Records kept in memory only. */
    public CallSetup(Supplier<TurnSegmenter> segmenters, Duration talkTimeout, CallServices services) {
        this(segmenters, talkTimeout, services, CallRecords.inMemory(services.clock()));
    }

    /** A session for the call {@code callSid}, whose media arrives on {@code stream}. */
    public CallSession open(String callSid, MediaStream stream) {
        return open(callSid, stream, Map.of());
    }

    /**
     * A session for the call {@code callSid}, whose media arrives on {@code stream}; {@code parameters} are
     * the stream's custom parameters (From, To...), which its record and {@code /calls} show.
     */
    public CallSession open(String callSid, MediaStream stream, Map<String, String> parameters) {
        CallJournal journal = records.attach(callSid, stream.id(), parameters);
        return new CallSession(callSid, stream, segmenters.get(), services.speechToText(), services.textToSpeech(),
                talkTimeout, services.clock(), records, journal, services.metrics());
    }
}
