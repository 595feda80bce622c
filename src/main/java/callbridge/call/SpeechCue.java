package callbridge.call;

import java.time.Duration;
import java.time.Instant;

/**
 * When a turn's text is spoken ({@link TurnRequest#input}): at once (the prototype's way), at a time the
 * driver chose (for a human gap after the far end stops), or cut into the far end's speech once it has gone
 * on for a while (to interrupt it on purpose).
 */
public sealed interface SpeechCue {
    /** As soon as the request comes. */
    record Now() implements SpeechCue {
    }

    /** Not before {@code instant}, on the server's clock (the one its answers give times on). */
    record At(Instant instant) implements SpeechCue {
    }

    /**
     * Once the far end has been speaking for {@code after}: in its turn in progress, or the next one that
     * lasts that long.
     */
    record IntoFarEndSpeech(Duration after) implements SpeechCue {
        public IntoFarEndSpeech {
            if (after.isNegative()) {
                throw new IllegalArgumentException("a cut-in comes after the far end's onset, not before: " + after);
            }
        }
    }
}
