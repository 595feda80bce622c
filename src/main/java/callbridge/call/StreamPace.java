package callbridge.call;

import callbridge.audio.Frames;
import callbridge.time.TokenBucket;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How fast a call's far end may send. Twilio sends a call's audio in real time, 20 ms every 20 ms, and a
 * few other messages (marks, digits). Faster than that is a broken or hostile client: every turn it makes
 * up is a paid speech-to-text request. Two token buckets (refilled as time passes, up to their capacity):
 * one in bytes of audio, refilled at real time, whose capacity is the burst a network stall can cause;
 * one in other messages. A message that finds its bucket empty is refused, and so is the stream.
 *
 * <p>The pace belongs to the call, not to one stream: a stream that restarts (or a client that reopens the
 * stream URL again and again) continues the call's buckets where the last stream left them, so a reconnect
 * never buys a fresh burst. Streams of one call may overlap while the old one closes, so it takes a lock.
 */
public final class StreamPace {
    /** Audio that may arrive ahead of real time, as after a network stall. */
    static final Duration DEFAULT_BURST = Duration.ofSeconds(5);
    /** Non-media messages: marks echo ours (one per /generate), DTMF follows fingers. */
    static final int OTHER_MESSAGES_PER_SECOND = 10;
    static final int OTHER_MESSAGES_BURST = 50;

    private static final double AUDIO_BYTES_PER_SECOND = Frames.SAMPLES * 1_000.0 / Frames.DURATION.toMillis();

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}, as the other bucket is. */
    private final TokenBucket audio;
    private final TokenBucket other;

    StreamPace(Clock clock, Duration burst) {
        this.clock = clock;
        long now = nanos();
        this.audio = new TokenBucket(AUDIO_BYTES_PER_SECOND * burst.toMillis() / 1_000.0, AUDIO_BYTES_PER_SECOND, now);
        this.other = new TokenBucket(OTHER_MESSAGES_BURST, OTHER_MESSAGES_PER_SECOND, now);
    }

    /**
     * A media message with {@code bytes} of audio (one byte a sample), counted for its real duration:
     * Twilio sends 20 ms a message today, but a stream of shorter messages at real time is no flood. The
     * rate of messages themselves, however small, is bounded where frames are read (every frame is metered).
     */
    public boolean admitsAudio(int bytes) {
        return take(audio, bytes);
    }

    /** Any message that is not media, malformed ones included. */
    public boolean admitsOther() {
        return take(other, 1);
    }

    private boolean take(TokenBucket bucket, double cost) {
        lock.lock();
        try {
            return bucket.take(cost, nanos());
        } finally {
            lock.unlock();
        }
    }

    /** The call's clock, in milliseconds as nanoseconds: the clock tests move has no finer grain to offer. */
    private long nanos() {
        return clock.millis() * 1_000_000;
    }
}
