package callbridge.emulate;

/** What {@code emulate} was asked cannot run: a bad flag or setting, an unreadable audio file. No call was made. */
public final class UsageError extends Exception {
    public UsageError(String message) {
        super(message);
    }
}
