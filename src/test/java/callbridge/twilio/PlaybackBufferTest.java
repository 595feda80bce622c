package callbridge.twilio;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Twilio's playback on a clock the test moves: 8 bytes a millisecond, marks after their audio, clear. */
class PlaybackBufferTest {
    private static final long MS = 1_000_000;

    @Test
    void mark_isReachedWhenTheAudioBeforeItHasPlayed() {
        PlaybackBuffer playback = new PlaybackBuffer(true);
        playback.audio(new byte[800], 0);      // 100 ms
        playback.audio(new byte[800], 50 * MS); // queued behind: ends at 200 ms
        playback.mark("m1", 60 * MS);
        assertEquals(List.of(), playback.reachedMarks(199 * MS));
        assertEquals(List.of("m1"), playback.reachedMarks(200 * MS));
        assertEquals(List.of(), playback.reachedMarks(300 * MS), "each mark once");
    }

    @Test
    void mark_withNothingQueued_isReachedAtOnce_andAudioAfterAGapStartsWhenItArrives() {
        PlaybackBuffer playback = new PlaybackBuffer(false);
        playback.audio(new byte[80], 0);
        playback.mark("a", 500 * MS);
        playback.audio(new byte[80], 1_000 * MS); // the line was idle: plays from 1000 to 1010 ms
        playback.mark("b", 1_000 * MS);
        assertEquals(List.of("a"), playback.reachedMarks(500 * MS));
        assertEquals(List.of("b"), playback.reachedMarks(1_010 * MS));
    }

    @Test
    void nextMarkDue_isWhenTheOldestPendingMarkIsReached() {
        PlaybackBuffer playback = new PlaybackBuffer(false);
        assertEquals(OptionalLong.empty(), playback.nextMarkDue());
        playback.audio(new byte[800], 0);       // 0 to 100 ms
        playback.mark("m1", 10 * MS);
        playback.audio(new byte[800], 20 * MS); // 100 to 200 ms
        playback.mark("m2", 30 * MS);
        assertEquals(OptionalLong.of(100 * MS), playback.nextMarkDue());
        assertEquals(List.of("m1"), playback.reachedMarks(100 * MS));
        assertEquals(OptionalLong.of(200 * MS), playback.nextMarkDue());
        assertEquals(List.of("m2"), playback.clear(150 * MS));
        assertEquals(OptionalLong.empty(), playback.nextMarkDue());
    }

    @Test
    void clear_dropsWhatHasNotPlayed_andReturnsEveryPendingMark() {
        PlaybackBuffer playback = new PlaybackBuffer(true);
        byte[] audio = new byte[1600]; // 200 ms
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) i;
        }
        playback.audio(audio, 0);
        playback.mark("m1", 0);
        playback.mark("m2", 0);
        assertEquals(List.of("m1", "m2"), playback.clear(50 * MS));
        assertArrayEquals(java.util.Arrays.copyOf(audio, 400), playback.played(), "the first 50 ms played");
        assertEquals(1600, playback.receivedBytes());
        assertEquals(1200, playback.droppedBytes());
        assertEquals(List.of(), playback.reachedMarks(1_000 * MS));
    }

    @Test
    void marksPastTheBound_areRefused_andThoseKeptAreStillReached() {
        PlaybackBuffer playback = new PlaybackBuffer(false);
        playback.audio(new byte[800], 0);
        for (int i = 0; i < PlaybackBuffer.MAX_PENDING_MARKS; i++) {
            assertTrue(playback.mark("m" + i, 0));
        }
        assertFalse(playback.mark("one-more", 0));
        List<String> reached = playback.reachedMarks(100 * MS);
        assertEquals(PlaybackBuffer.MAX_PENDING_MARKS, reached.size());
        assertEquals("m999", reached.getLast());
        assertTrue(playback.mark("after", 100 * MS), "room again once they are reached");
    }
}
