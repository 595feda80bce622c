package callbridge.talk;

/** What the user asked of {@code talk} cannot run: a bad flag, a missing setting, an unreadable file. Nothing was dialled. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
