package callbridge.call;

import callbridge.audio.Turn;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One turn of the far end, as text: what {@code /generate} hands out. A turn whose transcription failed is
 * still an utterance, carrying the error instead of text, so nothing heard disappears silently.
 *
 * @param number      1, 2, 3... in the order the turns were spoken
 * @param text        the words heard; empty when the transcription failed
 * @param error       why the transcription failed, if it did
 * @param speechStart the first speech frame, on the stream's timeline
 * @param speechEnd   the end of the last speech frame, on the stream's timeline
 * @param startedAt   when the first speech frame arrived
 * @param endedAt     when the last speech frame arrived
 * @param detectedAt  when the turn was judged finished
 * @param textReadyAt when its text (or error) was ready
 * @param ending      which rule ended the turn
 * @param endSilence  the pause after its last speech frame that ended it
 * @param transcribedBy how its text was made
 */
public record Utterance(int number, String text, Optional<String> error, Duration speechStart, Duration speechEnd,
                        Instant startedAt, Instant endedAt, Instant detectedAt, Instant textReadyAt,
                        Turn.Ending ending, Duration endSilence, TranscribedBy transcribedBy) {
    /** How a turn's text was made; {@link #word()} is how answers and records say it. */
    public enum TranscribedBy {
        /** Realtime speech-to-text, as the far end spoke. */
        REALTIME("realtime"),
        /** One batch request for the turn's audio once it ended. */
        BATCH("batch"),
        /** Not at all: the transcription failed or was never made. */
        NONE("none");

        private final String word;

        TranscribedBy(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public Utterance {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(ending, "ending");
        Objects.requireNonNull(endSilence, "endSilence");
        Objects.requireNonNull(transcribedBy, "transcribedBy");
    }

    static Utterance transcribed(int number, Turn turn, String text, Instant readyAt, TranscribedBy by) {
        return new Utterance(number, text, Optional.empty(), turn.speechStart(), turn.speechEnd(),
                turn.speechStartedAt(), turn.speechEndedAt(), turn.detectedAt(), readyAt, turn.ending(), turn.endSilence(), by);
    }

    static Utterance failed(int number, Turn turn, String error, Instant readyAt) {
        return new Utterance(number, "", Optional.of(error), turn.speechStart(), turn.speechEnd(),
                turn.speechStartedAt(), turn.speechEndedAt(), turn.detectedAt(), readyAt, turn.ending(), turn.endSilence(),
                TranscribedBy.NONE);
    }

    public boolean isTranscribed() {
        return error.isEmpty();
    }
}
