package callbridge.speech;

/** A speech service failed; the message says why in words a user can act on. */
public final class SpeechException extends Exception {
    private final boolean mayPass;

    public SpeechException(String message) {
        this(message, false, null);
    }

    public SpeechException(String message, Throwable cause) {
        this(message, false, cause);
    }

    /** @param mayPass true for failures another try may get past (429, 5xx, a refused connection) */
    public SpeechException(String message, boolean mayPass, Throwable cause) {
        super(message, cause);
        this.mayPass = mayPass;
    }

    /** True when trying again later may succeed. */
    public boolean mayPass() {
        return mayPass;
    }
}
