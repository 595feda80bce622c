package callbridge.call;

/** Twilio's REST API did not do what was asked. */
public final class CallControlException extends Exception {
    private final boolean retryable;

    public CallControlException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True for failures that may pass (5xx, 429, network); false for answers that will not change (401, 400). */
    public boolean retryable() {
        return retryable;
    }
}
