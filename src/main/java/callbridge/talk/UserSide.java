package callbridge.talk;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The user's side of one conversation. {@link AgentCall} calls {@link #begin} before it places the call,
 * {@link #heard} with each thing the agent says (its greeting, then its answer to each line), {@link #next}
 * for each of the user's turns ({@link #interject} for one said over the agent), and {@link #ended} exactly
 * once, however the conversation ended.
 */
interface UserSide {
    /** The user's next move. */
    sealed interface Move {
    }

    /**
     * Say this into the call.
     *
     * @param text the words; empty when the user only presses {@code keys} (a caller answering "press 1")
     * @param last the user means it as their last words: if the agent then hangs up, the user was done
     * @param keys pressed on the keypad before the words are said; empty: none
     */
    record Say(String text, boolean last, String keys) implements Move {
        public Say {
            if (text.isBlank() && keys.isEmpty()) {
                throw new IllegalArgumentException("a move says words, presses keys, or both");
            }
        }

        Say(String text, boolean last) {
            this(text, last, "");
        }

        /** Keys pressed without a word: nothing is spoken, and the agent's answer is waited for as after its greeting. */
        boolean keysOnly() {
            return text.isBlank();
        }
    }

    /** The user is done; {@code reason} says why (script finished, goal reached, the simulator's stopping reason). */
    record Done(String reason) implements Move {
    }

    /** The conversation is about to start: whatever could refuse it (a Galtea session) is made now, before anyone is called. */
    default void begin() throws IOException, InterruptedException {
    }

    /** Facts about this user side worth keeping in the report (such as a Galtea session), once begun. */
    default Map<String, String> facts() {
        return Map.of();
    }

    /** The agent said this: its greeting, or its answer to the user's last line. */
    default void heard(AgentReply reply) throws IOException, InterruptedException {
    }

    /** The user's next move. */
    Move next() throws IOException, InterruptedException;

    /**
     * The user's next move, said over the agent's answer to its last line, which the user has not heard yet
     * (only its first moments). By default the next move as usual.
     */
    default Move interject() throws IOException, InterruptedException {
        return next();
    }

    /**
     * When the user's own plan (a script's marker) has its next line cut into the agent's next speech: how far
     * into it. Asked before the user's current line is said, since the request that says it must then return
     * as soon as it has played.
     */
    default Optional<Duration> nextCutsIn() {
        return Optional.empty();
    }

    /**
     * False when the user's next move cannot be said over the agent (keys pressed alone wait for it to finish):
     * then no cut-in is drawn for it ({@code --interrupt-probability}).
     */
    default boolean nextCanCutIn() {
        return true;
    }

    /** The conversation is over: {@code ending} says how. Called once, after a failure too. */
    default void ended(Ending ending) throws IOException, InterruptedException {
    }
}
