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
 * @param interruption with {@link Outcome#INTERRUPTED}: about how much was heard, and its words up to there
 */
public record PlaybackReport(Optional<String> mark, Duration audio, Outcome outcome, Optional<Instant> startedAt,
                             Optional<Instant> playedAt, Optional<Interruption> interruption) {
    /** How the wait for a mark ended. */
    public enum Outcome {
        /** Everything up to the mark was played. */
        PLAYED,
        /** The audio was dropped by a {@code clear}; the echo does not mean it was heard. */
        CLEARED,
        /** The far end talked over it (barge-in): it was stopped and cleared part way; see {@code played}. */
        INTERRUPTED,
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

    /**
     * What the far end heard of a speech it talked over, estimated: Twilio plays our audio in real time from
     * its first media message, so about the time since then, at most the audio sent.
     *
     * @param played     about how much of its audio was played
     * @param playedText its words up to about there (cut at a word), in proportion to the audio played
     */
    public record Interruption(Duration played, String playedText) {
        static Interruption of(String text, Instant firstAudioAt, Duration audio, Instant now) {
            if (firstAudioAt == null || audio.isZero()) {
                return new Interruption(Duration.ZERO, "");
            }
            Duration elapsed = Duration.between(firstAudioAt, now);
            Duration played = elapsed.isNegative() ? Duration.ZERO : elapsed.compareTo(audio) > 0 ? audio : elapsed;
            int chars = (int) Math.round(text.length() * (double) played.toNanos() / audio.toNanos());
            int cut = chars >= text.length() ? text.length() : text.lastIndexOf(' ', chars);
            return new Interruption(played, cut <= 0 ? "" : text.substring(0, cut).strip());
        }
    }

}
