package callbridge.call;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one turn of the {@link Conversation} asks for: the call, what to say into it if anything, when to say
 * it, and how long to wait. Whoever takes the request from a driver (the {@code /generate} handler) has
 * checked it; {@link TurnResult} is the answer.
 *
 * @param callSid          the call
 * @param input            text to speak into the call before waiting; empty: only listen for the far end
 * @param timeout          how long to wait for the call and then for an utterance
 * @param talkTimeout      a new idle timeout for the call, if given
 * @param cue              when the input is spoken; without input it is not used
 * @param answerOncePlayed answer as soon as the input has played, without waiting for the far end
 */
public record TurnRequest(String callSid, Optional<String> input, Duration timeout, Optional<Duration> talkTimeout,
                          SpeechCue cue, boolean answerOncePlayed) {
    public TurnRequest {
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(talkTimeout, "talkTimeout");
        Objects.requireNonNull(cue, "cue");
    }
}
