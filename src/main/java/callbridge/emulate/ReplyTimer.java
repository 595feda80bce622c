package callbridge.emulate;

import java.time.Duration;

/**
 * How long the server took to answer one caller: from the end of each time the caller said its audio to
 * the first audio the server sent back, as a person on the phone would feel it (the server's silence
 * window, speech-to-text, the agent, text-to-speech and the network, all in one). Audio that comes while
 * the caller is talking, or after it started talking again, answers nothing. Not thread-safe: its call
 * guards it; every reply also goes to the run's histogram.
 */
final class ReplyTimer {
    /** What one call's replies came to. */
    record Replies(int count, Duration mean, Duration max) {
        static final Replies NONE = new Replies(0, Duration.ZERO, Duration.ZERO);

        @Override
        public String toString() {
            return String.format("%d repl%s (%.2f s after the caller stopped on average, %.2f s at most)", count,
                    count == 1 ? "y" : "ies", mean.toMillis() / 1000.0, max.toMillis() / 1000.0);
        }
    }

    private final LatencyHistogram run;
    /** Whether the caller stopped talking and no reply has come yet; since when ({@link System#nanoTime()} may be any long). */
    private boolean awaiting;
    private long awaitingSince;
    private int count;
    private long sumNanos;
    private long maxNanos;

    ReplyTimer(LatencyHistogram run) {
        this.run = run;
    }

    void callerStopped(long now) {
        awaiting = true;
        awaitingSince = now;
    }

    void callerStarted() {
        awaiting = false;
    }

    void serverAudio(long now) {
        if (!awaiting) {
            return;
        }
        long latency = now - awaitingSince;
        awaiting = false;
        count++;
        sumNanos += latency;
        maxNanos = Math.max(maxNanos, latency);
        run.record(latency);
    }

    Replies replies() {
        return count == 0 ? Replies.NONE : new Replies(count, Duration.ofNanos(sumNanos / count), Duration.ofNanos(maxNanos));
    }
}
