package callbridge.speech;

/** A speech service failed; the message says why in words a user can act on. */
public final class SpeechException extends Exception {
    public SpeechException(String message) {
        super(message);
    }

    public SpeechException(String message, Throwable cause) {
        super(message, cause);
    }
}
