package callbridge.speech;

/** Turns speech into text. Implementations are thread-safe: many calls transcribe at once. */
public interface SpeechToText {
    /** The words heard in {@code mulaw}, 8 kHz mu-law audio (possibly empty when it held no words). */
    String transcribe(byte[] mulaw) throws SpeechException;
}
