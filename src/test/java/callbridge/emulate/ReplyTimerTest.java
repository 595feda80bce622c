package callbridge.emulate;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplyTimerTest {
    private static final long MS = 1_000_000;

    private final LatencyHistogram run = new LatencyHistogram(MS, 1_000);
    private final ReplyTimer timer = new ReplyTimer(run);

    @Test
    void theFirstServerAudioAfterTheCallerStops_isTheReply() {
        timer.callerStopped(1_000 * MS);
        timer.serverAudio(1_800 * MS);
        timer.serverAudio(1_820 * MS); // the same reply's next frame

        assertEquals(new ReplyTimer.Replies(1, Duration.ofMillis(800), Duration.ofMillis(800)), timer.replies());
        assertEquals(1, run.count());
        assertEquals(800, run.percentileMillis(0.5), 1.0);
    }

    @Test
    void audioWhileTheCallerTalks_orAfterItStartedAgain_answersNothing() {
        timer.serverAudio(500 * MS);
        timer.callerStopped(1_000 * MS);
        timer.callerStarted();
        timer.serverAudio(1_500 * MS);

        assertEquals(ReplyTimer.Replies.NONE, timer.replies());
        assertEquals(0, run.count());
    }

    @Test
    void replies_averageAndMaximum() {
        timer.callerStopped(0);
        timer.serverAudio(600 * MS);
        timer.callerStopped(10_000 * MS);
        timer.serverAudio(11_000 * MS);

        assertEquals(new ReplyTimer.Replies(2, Duration.ofMillis(800), Duration.ofMillis(1_000)), timer.replies());
    }
}
