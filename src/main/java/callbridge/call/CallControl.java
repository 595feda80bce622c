package callbridge.call;

/** Changes a live call at Twilio. */
public interface CallControl {
    /**
     * Hangs the call up (status {@code completed}). A call that has already ended counts as done.
     *
     * @throws CallControlException when Twilio refused or could not be reached; {@link CallControlException#retryable()} says whether another try may help
     */
    void complete(String callSid) throws CallControlException;
}
