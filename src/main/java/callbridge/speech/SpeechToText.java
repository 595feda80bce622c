package callbridge.speech;

import callbridge.audio.Turn;

/** Turns one spoken turn into text. Implementations are thread-safe: many calls transcribe at once. */
public interface SpeechToText {
    /** The words heard in {@code turn} (possibly empty when it held no words). */
    String transcribe(Turn turn) throws SpeechException;
}
