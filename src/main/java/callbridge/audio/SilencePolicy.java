package callbridge.audio;

/**
 * How long a pause ends a turn, asked afresh at each silent frame of a turn: the prototype's rule is one
 * fixed silence, while a policy that reads the words so far can end a finished sentence sooner and wait
 * longer for an unfinished one. Asked on the thread that reads the call's audio, so it answers at once.
 */
@FunctionalInterface
public interface SilencePolicy {
    /**
     * A pause rule: {@code frames} silent frames in a row end the turn, which then ends as {@code ending}.
     *
     * @param ending one of the silence endings: {@link Turn.Ending#SILENCE}, {@link Turn.Ending#FINISHED_WORDS}
     *               or {@link Turn.Ending#UNSURE_WORDS}
     */
    record Rule(Turn.Ending ending, int frames) {
        public Rule {
            if (frames < 1) {
                throw new IllegalArgumentException("a pause rule needs at least one frame: " + frames);
            }
            if (!ending.endedByPause()) {
                throw new IllegalArgumentException("not a silence ending: " + ending);
            }
        }
    }

    /** The rule for the pause in progress. */
    Rule now();

    /** The prototype's rule: {@code frames} silent frames end every turn. */
    static SilencePolicy fixed(int frames) {
        Rule rule = new Rule(Turn.Ending.SILENCE, frames);
        return () -> rule;
    }
}
