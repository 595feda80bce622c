package callbridge.call;

import callbridge.testing.ManualTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A call's far end sends audio at real time, whatever the size of its messages; faster is refused. */
class StreamPaceTest {
    private static final Duration BURST = Duration.ofSeconds(1);
    /** 8 kHz mu-law: one byte a sample. */
    private static final int BYTES_PER_SECOND = 8_000;

    private final ManualTime time = new ManualTime();
    private final StreamPace pace = new StreamPace(time, BURST);

    @Test
    void twilioFrames_atRealTime_areAdmittedForever() {
        for (int frame = 0; frame < 50 * 3_600; frame++) { // an hour of 20 ms frames
            assertTrue(pace.admitsAudio(160), "frame " + frame);
            time.advanceMillis(20);
        }
    }

    /** Counted for their real duration: a stream of 10 ms messages at real time is no flood. */
    @Test
    void shorterMessages_atRealTime_areAdmitted() {
        for (int message = 0; message < 100 * 60; message++) { // a minute of 10 ms messages
            assertTrue(pace.admitsAudio(80), "message " + message);
            time.advanceMillis(10);
        }
    }

    @Test
    void audioAheadOfRealTime_isAdmittedUpToTheBurst_thenRefused() {
        assertTrue(pace.admitsAudio(BYTES_PER_SECOND));
        assertFalse(pace.admitsAudio(1));
        time.advanceMillis(500);
        assertTrue(pace.admitsAudio(BYTES_PER_SECOND / 2));
        assertFalse(pace.admitsAudio(1));
    }

    @Test
    void otherMessages_haveTheirOwnBucket() {
        int admitted = 0;
        while (pace.admitsOther()) {
            admitted++;
        }
        assertEquals(StreamPace.OTHER_MESSAGES_BURST, admitted);
        assertTrue(pace.admitsAudio(160), "marks and keys do not spend the audio's budget");
        time.advanceMillis(1_000);
        for (int i = 0; i < StreamPace.OTHER_MESSAGES_PER_SECOND; i++) {
            assertTrue(pace.admitsOther());
        }
        assertFalse(pace.admitsOther());
    }
}
