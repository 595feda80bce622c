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
 */
public record Utterance(int number, String text, Optional<String> error, Duration speechStart, Duration speechEnd,
                        Instant startedAt, Instant endedAt, Instant detectedAt, Instant textReadyAt) {
    public Utterance {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(error, "error");
    }

    static Utterance transcribed(int number, Turn turn, String text, Instant readyAt) {
        return new Utterance(number, text, Optional.empty(), turn.speechStart(), turn.speechEnd(),
                turn.speechStartedAt(), turn.speechEndedAt(), turn.detectedAt(), readyAt);
    }

    static Utterance failed(int number, Turn turn, String error, Instant readyAt) {
        return new Utterance(number, "", Optional.of(error), turn.speechStart(), turn.speechEnd(),
                turn.speechStartedAt(), turn.speechEndedAt(), turn.detectedAt(), readyAt);
    }

    public boolean isTranscribed() {
        return error.isEmpty();
    }
}
