package callbridge.call;

import callbridge.audio.TurnSegmenter;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a new call's session is made: its own turn segmenter (each holds a native VAD), the talk timeout
 * it starts with, the services it uses, and who observes it.
 *
 * @param segmenters  makes one segmenter per call
 * @param talkTimeout how long a call may go without far-end speech or {@code /generate} activity
 * @param observer    hears of each new call, and gives the listener it reports to (the calls' records)
 * @param records     how calls that are no longer here ended, as their records say
 * @param turnTaking  how turns end and whether the far end may talk over us
 */
public record CallSetup(Supplier<TurnSegmenter> segmenters, Duration talkTimeout, CallServices services,
                        CallObserver observer, RecordedEnds records, TurnTaking turnTaking) {
    /**
     * @param smartPauses        the smart end of turn's pauses ({@code TURN_END=smart}); empty: the segmenters'
     *                           fixed silence window ends every turn, as in the prototype
     * @param bargeInSpeechFrames with barge-in ({@code BARGE_IN=true}), the far end's speech (20 ms frames)
     *                           over ours that stops ours; empty: our speech plays on, as in the prototype
     */
    public record TurnTaking(Optional<SmartPauses> smartPauses, Optional<Integer> bargeInSpeechFrames) {
        /** The prototype's: the fixed window, no barge-in. */
        public static final TurnTaking PROTOTYPE = new TurnTaking(Optional.empty(), Optional.empty());

        public TurnTaking {
            Objects.requireNonNull(smartPauses, "smartPauses");
            Objects.requireNonNull(bargeInSpeechFrames, "bargeInSpeechFrames");
            bargeInSpeechFrames.filter(frames -> frames < 1).ifPresent(frames -> {
                throw new IllegalArgumentException("barge-in needs at least one frame of speech: " + frames);
            });
        }
    }

    /**
     * The pauses of the smart end of turn, in 20 ms frames (see {@link SmartSilence}).
     *
     * @param finishedFrames after words that read finished
     * @param unsureFrames   after words that read neither finished nor open
     * @param windowFrames   after open words, or none: the whole silence window
     */
    public record SmartPauses(int finishedFrames, int unsureFrames, int windowFrames) {
        public SmartPauses {
            if (!(0 < finishedFrames && finishedFrames <= unsureFrames && unsureFrames <= windowFrames)) {
                throw new IllegalArgumentException("pauses must grow: " + finishedFrames + " <= " + unsureFrames + " <= "
                        + windowFrames + " frames");
            }
        }
    }

    public CallSetup {
        Objects.requireNonNull(segmenters, "segmenters");
        Objects.requireNonNull(talkTimeout, "talkTimeout");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(turnTaking, "turnTaking");
    }

    /**
     * A session for the call {@code callSid}, whose media arrives on {@code stream}; {@code parameters} are
     * the stream's custom parameters (From, To...), which its record and {@code /calls} show.
     */
    public CallSession open(String callSid, MediaStream stream, Map<String, String> parameters) {
        CallStart start = new CallStart(callSid, stream.id(), parameters, services.clock().instant());
        return new CallSession(start, stream, segmenters.get(), services, turnTaking, talkTimeout, observer.callStarted(start));
    }
}
