package callbridge.call;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** How one turn of the conversation ended: what a {@code /generate} answers, one case each. */
public sealed interface TurnResult {
    /**
     * The far end answered.
     *
     * @param heardBefore utterances heard while nobody was asking, before this one
     * @param playback    what became of our speech, when the turn had some
     * @param dtmf        digits pressed since the last answer
     * @param cutIn       when our speech was cued into the far end's speech ({@code interrupt_after_ms})
     */
    record Heard(String callSid, Utterance utterance, List<Utterance> heardBefore, Optional<PlaybackReport> playback,
                 List<String> dtmf, Optional<CutIn> cutIn) implements TurnResult {
    }

    /** The call has ended; {@code heardBefore} holds whatever was heard and not yet handed out. */
    record CallEnded(String callSid, CallEnd end, List<Utterance> heardBefore, Optional<PlaybackReport> playback,
                     List<String> dtmf, Optional<CutIn> cutIn) implements TurnResult {
        /** A call that ended before this turn, whose session is gone: nothing is left to hand out but the reason. */
        static CallEnded earlier(String callSid, CallEnd end) {
            return new CallEnded(callSid, end, List.of(), Optional.empty(), List.of(), Optional.empty());
        }
    }

    /**
     * Our speech has played and the driver asked for no more ({@code answer=played}); whatever the far end
     * said meanwhile stays queued for the next answer.
     */
    record Played(String callSid, PlaybackReport playback, Optional<CutIn> cutIn) implements TurnResult {
    }

    /**
     * Our speech was cued to cut into the far end's speech.
     *
     * @param farEndSpeechStartedAt when the far end's turn we spoke into began (its first speech frame arrived)
     */
    record CutIn(Instant farEndSpeechStartedAt) {
    }

    /** Nothing was heard within the timeout; whatever was heard earlier waits for the next answer. */
    record NothingHeard() implements TurnResult {
    }

    /**
     * The call did not appear within the timeout, and nothing here says it ended: it may be another
     * instance's, or not have started yet. Nothing was spoken.
     */
    record NoSuchCall(String callSid) implements TurnResult {
    }

    /** Another turn holds the call. */
    record Busy(String callSid) implements TurnResult {
    }

    /** Our speech could not be made; the call goes on, and what was heard before is handed out. */
    record SpeechFailed(String message, List<Utterance> heardBefore) implements TurnResult {
    }

    /** Whoever asked went away before an answer was decided; the call is free, nothing heard was taken. */
    record ClientGone() implements TurnResult {
    }
}
