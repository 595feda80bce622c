package callbridge.talk;

import java.util.OptionalLong;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * How the simulated user times its lines, as a person would ({@code --reply-gap}, {@code --interrupt-probability},
 * {@code --interrupt-after}, {@code --seed}).
 *
 * @param replyGap             the pause between the end of the agent's speech and the start of our reply;
 *                             {@link MillisRange#NONE}: reply at once, as the prototype did
 * @param interruptProbability the chance, for each line, that the user cuts into the agent's answer to it
 *                             (a script can also mark the lines that cut in)
 * @param interruptAfter       how far into the agent's answer such a cut comes
 * @param seed                 seeds the draws, so a run can be repeated; empty: different every run
 */
record HumanPace(MillisRange replyGap, double interruptProbability, MillisRange interruptAfter, OptionalLong seed) {
    /**
     * People leave about 200 ms between turns; over a phone line, with the agent's end of turn to be
     * recognised first, a few hundred more still sounds attentive, and keeps agents from asking "are you there?".
     */
    static final MillisRange DEFAULT_REPLY_GAP = new MillisRange(300, 700);
    /** Long enough for the agent to be well into its answer, short enough that most answers are still going. */
    static final MillisRange DEFAULT_INTERRUPT_AFTER = new MillisRange(500, 1500);
    static final HumanPace DEFAULT = new HumanPace(DEFAULT_REPLY_GAP, 0, DEFAULT_INTERRUPT_AFTER, OptionalLong.empty());

    HumanPace {
        if (!(interruptProbability >= 0 && interruptProbability <= 1)) {
            throw new IllegalArgumentException("a probability is from 0 to 1: " + interruptProbability);
        }
    }

    /**
     * The random source of the conversation at {@code index} in the run: each its own, so conversations run in
     * parallel still draw the same values as they did the first time.
     */
    RandomGenerator randomFor(int index) {
        return seed.isPresent() ? new Random(seed.getAsLong() * 31 + index) : new Random();
    }
}
