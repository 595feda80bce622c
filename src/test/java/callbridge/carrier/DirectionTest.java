package callbridge.carrier;

import callbridge.audio.MuLaw;
import callbridge.twilio.PlaybackBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pacing of one direction on a clock the test moves ({@link Direction#poll}): what the listener hears at
 * each moment, whatever pace the speaker sent at. Times are milliseconds from the call's start.
 */
class DirectionTest {
    private static final int FRAME = 160;
    private final Direction direction = new Direction("the agent", 0);

    @Test
    void nothingSent_silenceEvery20ms_nothingBetween() {
        assertNothing(19);
        assertSilence(20);
        assertNothing(39);
        assertSilence(40);
        assertEquals(ms(60), direction.nextWakeNanos());
    }

    @Test
    void frameArrivingWhileIdle_goesOutAtOnce_notAtTheNextSlot() {
        direction.audio(speech(1, 1), ms(25));

        assertSpeech(25, 1, 25);
    }

    @Test
    void burstSentAtOnce_playsOneFrameEvery20ms() {
        direction.audio(speech(3, 1), ms(5));

        assertSpeech(5, 1, 5);
        assertNothing(24);
        assertSpeech(25, 2, 25);
        assertSpeech(45, 3, 45);
        // Silence resumes after the underrun slack, once the speech has played.
        assertEquals(ms(65) + Direction.UNDERRUN_SLACK, direction.nextWakeNanos());
    }

    @Test
    void halfFrame_waitsUntilIts20msWouldHavePlayed_thenPaddedWithSilence() {
        byte[] half = Arrays.copyOf(speech(1, 7), FRAME / 2);
        direction.audio(half, 0);

        assertNothing(19);
        Direction.Due due = direction.poll(ms(20));
        byte[] expected = speech(1, 7);
        Arrays.fill(expected, FRAME / 2, FRAME, MuLaw.SILENCE);
        assertArrayEquals(expected, due.frame().orElseThrow());
        assertTrue(due.speech());
    }

    @Test
    void speakerPacingItselfSlightlyLate_noSilenceCutIntoItsSpeech() {
        direction.audio(speech(1, 1), 0);
        assertSpeech(0, 1, 0);
        assertNothing(25); // the next frame is 5 ms late: within the slack, no silence yet
        direction.audio(speech(1, 2), ms(25));

        assertSpeech(25, 2, 25);
    }

    @Test
    void mark_echoedOnceTheAudioBeforeItHasPlayed() {
        direction.audio(speech(2, 1), 0);
        direction.mark("end", 0);

        assertEquals(List.of(), direction.poll(0).marks());
        assertEquals(List.of(), direction.poll(ms(20)).marks());
        assertEquals(List.of("end"), direction.poll(ms(40)).marks());
    }

    @Test
    void clear_dropsWhatHasNotPlayed_echoesPendingMarksAtOnce() {
        direction.audio(speech(5, 1), 0);
        direction.mark("end", 0);
        assertSpeech(0, 1, 0);

        assertEquals(List.of("end"), direction.clear(ms(10)));

        for (int at = 20; at <= 120; at += 20) {
            assertFalse(direction.poll(ms(at)).speech(), "nothing of the cleared audio plays at " + at + " ms");
        }
    }

    @Test
    void queuedAudio_upToTheBound_kept_oneFrameMore_overflows() {
        int bound = (int) (Direction.MAX_QUEUED.toMillis() / 20);
        direction.audio(speech(bound, 1), 0);
        assertTrue(direction.overflow().isEmpty());

        direction.audio(speech(1, 1), 0);

        assertEquals("the agent sent audio more than 120 s ahead of playback (Twilio plays it at real time)",
                direction.overflow().orElseThrow());
    }

    @Test
    void marksPendingPastTheBound_overflow() {
        direction.audio(speech(1, 1), 0);
        for (int i = 0; i < PlaybackBuffer.MAX_PENDING_MARKS; i++) {
            direction.mark("m" + i, 0);
        }
        assertTrue(direction.overflow().isEmpty());

        direction.mark("one-more", 0);

        assertEquals("the agent sent more than 1000 marks that are still to play", direction.overflow().orElseThrow());
    }

    private void assertNothing(long atMs) {
        Direction.Due due = direction.poll(ms(atMs));
        assertTrue(due.frame().isEmpty(), "nothing due at " + atMs + " ms");
    }

    private void assertSilence(long atMs) {
        Direction.Due due = direction.poll(ms(atMs));
        assertFalse(due.speech(), "silence at " + atMs + " ms");
        assertArrayEquals(silence(), due.frame().orElseThrow(), "silence at " + atMs + " ms");
        assertEquals(ms(atMs), due.readyNanos());
    }

    /** Frame number {@code n} of a burst whose frames are filled with {@code n}, out at {@code atMs}, ready since {@code readyMs}. */
    private void assertSpeech(long atMs, int n, long readyMs) {
        Direction.Due due = direction.poll(ms(atMs));
        assertTrue(due.speech(), "speech at " + atMs + " ms");
        assertArrayEquals(frameOf((byte) n), due.frame().orElseThrow(), "frame " + n + " at " + atMs + " ms");
        assertEquals(ms(readyMs), due.readyNanos(), "ready at");
    }

    /** {@code count} frames, the i-th (from {@code first}) filled with the byte i: each frame tells which it is. */
    private static byte[] speech(int count, int first) {
        byte[] audio = new byte[count * FRAME];
        for (int i = 0; i < count; i++) {
            Arrays.fill(audio, i * FRAME, (i + 1) * FRAME, (byte) (first + i));
        }
        return audio;
    }

    private static byte[] frameOf(byte value) {
        byte[] frame = new byte[FRAME];
        Arrays.fill(frame, value);
        return frame;
    }

    private static byte[] silence() {
        return frameOf(MuLaw.SILENCE);
    }

    private static long ms(long millis) {
        return millis * 1_000_000;
    }
}
