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
record PlaybackReport(Optional<String> mark, Duration audio, Playback.Outcome outcome, Optional<Instant> startedAt,
                      Optional<Instant> playedAt) {
}
