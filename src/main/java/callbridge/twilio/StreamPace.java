package callbridge.twilio;

import callbridge.audio.Frames;

import java.time.Clock;
import java.time.Duration;

/**
 * How fast one media stream may send. Twilio sends a call's audio in real time, 20 ms every 20 ms, and a
 * few other messages (marks, digits). Faster than that is a broken or hostile client: every turn it makes
 * up is a paid speech-to-text request. Two token buckets (refilled as time passes, up to their capacity):
 * one in bytes of audio, refilled at real time, whose capacity is the burst a network stall can cause;
 * one in other messages. A message that finds its bucket empty is refused, and so is the stream.
 */
final class StreamPace {
    /** Audio that may arrive ahead of real time, as after a network stall. */
    static final Duration DEFAULT_BURST = Duration.ofSeconds(5);
    /** Non-media messages: marks echo ours (one per /generate), DTMF follows fingers. */
    static final int OTHER_MESSAGES_PER_SECOND = 10;
    static final int OTHER_MESSAGES_BURST = 50;

    private static final double AUDIO_BYTES_PER_SECOND = Frames.SAMPLES * 1_000.0 / Frames.DURATION.toMillis();

    private final Clock clock;
    private final Bucket audio;
    private final Bucket other;

    StreamPace(Clock clock, Duration burst) {
        this.clock = clock;
        long now = clock.millis();
        this.audio = new Bucket(AUDIO_BYTES_PER_SECOND * burst.toMillis() / 1_000.0, AUDIO_BYTES_PER_SECOND, now);
        this.other = new Bucket(OTHER_MESSAGES_BURST, OTHER_MESSAGES_PER_SECOND, now);
    }

    /** A media message with {@code bytes} of audio; counted as at least one frame, however small. */
    boolean admitsAudio(int bytes) {
        return audio.take(Math.max(bytes, Frames.SAMPLES), clock.millis());
    }

    /** Any message that is not media, malformed ones included. */
    boolean admitsOther() {
        return other.take(1, clock.millis());
    }

    /** Not thread-safe: one stream's messages arrive on its one thread. */
    private static final class Bucket {
        private final double capacity;
        private final double perSecond;
        private double tokens;
        private long lastMillis;

        Bucket(double capacity, double perSecond, long nowMillis) {
            this.capacity = capacity;
            this.perSecond = perSecond;
            this.tokens = capacity;
            this.lastMillis = nowMillis;
        }

        boolean take(double cost, long nowMillis) {
            tokens = Math.min(capacity, tokens + Math.max(0, nowMillis - lastMillis) * perSecond / 1_000.0);
            lastMillis = nowMillis;
            if (tokens < cost) {
                return false;
            }
            tokens -= cost;
            return true;
        }
    }
}
