package callbridge.call;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What became of the speech a {@code /generate} asked for, as its answer reports it.
 *
 * @param mark      the mark that followed it (empty when the stream was gone before it was sent)
 * @param audio     how much audio was sent
 * @param outcome   how the wait for the mark ended
 * @param startedAt when its first audio went to Twilio
 * @param playedAt  when Twilio reported the end of playback
 */
public record PlaybackReport(Optional<String> mark, Duration audio, Outcome outcome, Optional<Instant> startedAt,
                             Optional<Instant> playedAt) {
    /** How the wait for a mark ended. */
    public enum Outcome {
        /** Everything up to the mark was played. */
        PLAYED,
        /** The audio was dropped by a {@code clear}; the echo does not mean it was heard. */
        CLEARED,
        /** The call ended first. */
        CALL_ENDED,
        /**
         * The call's media stream restarted first: the new stream cannot echo the old one's marks, and the
         * audio Twilio held for the old stream may not have been played.
         */
        STREAM_RESTARTED,
        /** The mark was not echoed in time (reported by the waiter; a mark never completes with it). */
        NOT_ECHOED
    }
}
