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
 */
public record Turn(byte[] mulaw, Duration audioStart, Duration speechStart, Duration speechEnd,
                   Instant speechStartedAt, Instant speechEndedAt, Instant detectedAt, Ending ending) {

    public enum Ending {
        /** The far end was silent for the configured window. */
        SILENCE,
        /** The turn reached the maximum length and was cut; the speech goes on in the next turn. */
        MAX_LENGTH,
        /** The stream ended while the far end was speaking. */
        STREAM_END
    }

    public Turn {
        Objects.requireNonNull(mulaw, "mulaw");
        Objects.requireNonNull(ending, "ending");
    }

    public Duration speechDuration() {
        return speechEnd.minus(speechStart);
    }
}
