package callbridge.call;

import java.util.function.BooleanSupplier;

/**
 * When the far end's speech over ours is a barge-in ({@code BARGE_IN=true}): once its turn holds
 * {@code minSpeechFrames} frames of speech while ours is playing. A cough or an "mm-hm" is shorter and
 * plays no part; a far end that keeps talking is heard once per turn, so one turn stops our speech once.
 * Used on the call's audio thread only.
 */
final class BargeIn {
    private final int minSpeechFrames;
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
     * @param inTurn       the far end is in a turn
     * @param speechFrames speech frames in that turn so far
     * @param wePlay       whether speech of ours is playing; asked only once the far end has said enough
     */
    boolean heard(boolean inTurn, int speechFrames, BooleanSupplier wePlay) {
        if (!inTurn) {
            heardThisTurn = false;
            return false;
        }
        if (heardThisTurn || speechFrames < minSpeechFrames || !wePlay.getAsBoolean()) {
            return false;
        }
        heardThisTurn = true;
        return true;
    }
}
