package callbridge.call;

import callbridge.audio.SilencePolicy;
import callbridge.audio.Turn;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The smart end of turn ({@code TURN_END=smart}): how long a pause ends a turn depends on how the words so
 * far read ({@link WordsSoFar}): a finished sentence or question after the short pause, words that read
 * neither way after a middle one, and an open sentence (or no words yet) only after the whole silence
 * window, as the prototype's rule does for every turn. The words come from realtime speech-to-text's
 * partial transcripts; without them every turn waits for the whole window, so nothing is ever cut sooner
 * than the prototype would cut it on words nobody has read.
 *
 * <p>Asked at every silent frame of a turn, on the audio thread: the verdict is kept for as long as the
 * words are the same string, so a pause costs one judgement per new transcript, not one per frame.
 */
final class SmartSilence implements SilencePolicy {
    private final Supplier<String> wordsSoFar;
    private final Rule finished;
    private final Rule unsure;
    private final Rule open;
    private String judgedWords;
    private Rule judged;

    /**
     * @param wordsSoFar the turn's words so far (empty when none are known); read at each silent frame
     * @param pauses     how long each kind of pause is
     */
    SmartSilence(Supplier<String> wordsSoFar, CallSetup.SmartPauses pauses) {
        this.wordsSoFar = Objects.requireNonNull(wordsSoFar, "wordsSoFar");
        this.finished = new Rule(Turn.Ending.FINISHED_WORDS, pauses.finishedFrames());
        this.unsure = new Rule(Turn.Ending.UNSURE_WORDS, pauses.unsureFrames());
        this.open = new Rule(Turn.Ending.SILENCE, pauses.windowFrames());
    }

    @Override
    public Rule now() {
        String words = wordsSoFar.get();
        if (words != judgedWords) { // the same string object: the same transcript, already judged
            judgedWords = words;
            judged = switch (WordsSoFar.judge(words)) {
                case FINISHED -> finished;
                case UNSURE -> unsure;
                case UNFINISHED -> open;
            };
        }
        return judged;
    }
}
