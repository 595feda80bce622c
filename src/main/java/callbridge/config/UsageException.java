package callbridge.config;

/**
 * What the user asked of a command ({@code talk}, {@code emulate}) cannot run: a bad flag, a missing or bad
 * setting, an unreadable file, a service not there. Said before anything is dialled or any call is made;
 * the message says what to fix.
 */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
