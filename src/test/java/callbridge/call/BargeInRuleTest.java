package callbridge.call;

import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * When far-end speech is a barge-in, frame by frame: the rule itself, synchronously, so a case that must not
 * fire is shown not to (the session runs the stop on a thread of its own, where a "nothing happened" check
 * would race it).
 */
class BargeInRuleTest {
    private static final BooleanSupplier WE_PLAY = () -> true;
    private static final BooleanSupplier WE_ARE_SILENT = () -> false;

    @Test
    void aTurnBegunOverUs_firesOnceItHasTheMinimum_andOncePerTurn() {
        BargeIn rule = new BargeIn(5);
        assertEquals("....F...", run(rule, WE_PLAY, 1, 2, 3, 4, 5, 6, 7, 8));
        assertEquals(".", run(rule, WE_PLAY, 0), "the turn ends");
        assertEquals("....F", run(rule, WE_PLAY, 1, 2, 3, 4, 5), "a new turn may fire again");
    }

    @Test
    void aCough_shorterThanTheMinimum_neverFires() {
        BargeIn rule = new BargeIn(5);
        assertEquals(".....", run(rule, WE_PLAY, 1, 2, 3, 4, 0));
    }

    @Test
    void speechWhileWeAreSilent_neverFires() {
        BargeIn rule = new BargeIn(5);
        assertEquals("........", run(rule, WE_ARE_SILENT, 1, 2, 3, 4, 5, 6, 7, 8));
    }

    /** A turn the far end began before ours is us cutting in: ours must not stop itself. */
    @Test
    void aTurnBegunBeforeOurSpeech_neverFires_evenOnceWePlay() {
        BargeIn rule = new BargeIn(5);
        boolean[] playing = {false};
        StringBuilder fired = new StringBuilder();
        for (int frames = 1; frames <= 10; frames++) {
            playing[0] = frames > 2; // we start speaking 40 ms into its turn
            fired.append(rule.heard(true, frames, () -> playing[0]) ? 'F' : '.');
        }
        assertEquals("..........", fired.toString());
    }

    @Test
    void oursEndingBeforeTheMinimum_doesNotFire() {
        BargeIn rule = new BargeIn(5);
        boolean[] playing = {true};
        assertEquals("...", run(rule, () -> playing[0], 1, 2, 3));
        playing[0] = false;
        assertEquals("..", run(rule, () -> playing[0], 4, 5));
    }

    @Test
    void noFrames_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BargeIn(0));
    }

    /** One character per payload: {@code F} where the rule fired; 0 speech frames means the turn is over. */
    private static String run(BargeIn rule, BooleanSupplier wePlay, int... speechFrames) {
        StringBuilder fired = new StringBuilder();
        for (int frames : speechFrames) {
            fired.append(rule.heard(frames > 0, frames, wePlay) ? 'F' : '.');
        }
        return fired.toString();
    }
}
