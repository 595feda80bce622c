package callbridge.audio;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One spoken turn of the far end, cut out of the call's audio. Positions are on the stream's own
 * timeline (audio received since the stream started, 8,000 bytes a second), which no network jitter can
 * blur; the instants are wall-clock arrival times, for latency figures.
 *
 * @param mulaw           the turn's audio: a little before the first speech frame through the last one
 * @param audioStart      where {@code mulaw} begins on the stream timeline
 * @param speechStart     the first speech frame
 * @param speechEnd       the end of the last speech frame
 * @param speechStartedAt when the first speech frame arrived
 * @param speechEndedAt   when the last speech frame arrived
 * @param detectedAt      when the turn was judged finished (silence long enough, too long, or stream end)
 * @param ending          why the turn ended
 * @param endSilence      the silence after the last speech frame when the turn ended (on the stream's timeline)
 */
public record Turn(byte[] mulaw, Duration audioStart, Duration speechStart, Duration speechEnd,
                   Instant speechStartedAt, Instant speechEndedAt, Instant detectedAt, Ending ending,
                   Duration endSilence) {

    /** Why a turn ended; {@link #word()} is how answers and records say it. */
    public enum Ending {
        /** The far end was silent for the whole silence window (the prototype's rule, or words left unfinished). */
        SILENCE("silence"),
        /** A short silence after words that read as a finished sentence or question. */
        FINISHED_WORDS("finished_words"),
        /** A middle silence after words that read neither finished nor unfinished. */
        UNSURE_WORDS("unsure_words"),
        /** The turn reached the maximum length and was cut; the speech goes on in the next turn. */
        MAX_LENGTH("max_length"),
        /** The stream ended while the far end was speaking. */
        STREAM_END("stream_end");

        private final String word;

        Ending(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** Ended by a pause, under one rule or another: not cut at its maximum length, nor by the stream's end. */
        public boolean endedByPause() {
            return this != MAX_LENGTH && this != STREAM_END;
        }
    }

    public Turn {
        Objects.requireNonNull(mulaw, "mulaw");
        Objects.requireNonNull(ending, "ending");
        Objects.requireNonNull(endSilence, "endSilence");
    }

    /** This turn, its audio given up (it will not be transcribed), everything else kept. */
    public Turn withoutAudio() {
        return new Turn(new byte[0], audioStart, speechStart, speechEnd, speechStartedAt, speechEndedAt, detectedAt,
                ending, endSilence);
    }

    public Duration speechDuration() {
        return speechEnd.minus(speechStart);
    }
}
