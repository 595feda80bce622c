package callbridge.call;

import java.util.function.BooleanSupplier;

/**
 * When the far end's speech over ours is a barge-in ({@code BARGE_IN=true}): a turn the far end began
 * while ours was playing, once it holds {@code minSpeechFrames} frames of speech and ours still plays. A
 * cough or an "mm-hm" is shorter and plays no part; a far end that keeps talking is heard once per turn,
 * so one turn stops our speech once. A turn that was under way before ours began is not one: then we are
 * the ones cutting in (as {@code /generate}'s {@code interrupt_after_ms} does on purpose), and stopping
 * ourselves would undo it. Used on the call's audio thread only.
 */
final class BargeIn {
    private final int minSpeechFrames;
    private boolean inTurn;
    /** Whether the far end's turn in progress began while our speech was playing. */
    private boolean beganOverUs;
    private boolean heardThisTurn;

    BargeIn(int minSpeechFrames) {
        if (minSpeechFrames < 1) {
            throw new IllegalArgumentException("barge-in needs at least one frame of speech: " + minSpeechFrames);
        }
        this.minSpeechFrames = minSpeechFrames;
    }

    /**
     * After each payload of the far end's audio: true when ours should stop now.
     *
     * @param turnInProgress the far end is in a turn
     * @param speechFrames   speech frames in that turn so far
     * @param wePlay         whether speech of ours is playing
     */
    boolean heard(boolean turnInProgress, int speechFrames, BooleanSupplier wePlay) {
        if (!turnInProgress) {
            inTurn = false;
            return false;
        }
        if (!inTurn) {
            inTurn = true;
            heardThisTurn = false;
            beganOverUs = wePlay.getAsBoolean();
        }
        if (!beganOverUs || heardThisTurn || speechFrames < minSpeechFrames || !wePlay.getAsBoolean()) {
            return false;
        }
        heardThisTurn = true;
        return true;
    }
}
