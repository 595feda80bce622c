package callbridge.talk;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** A failure in words a user can act on: the JDK's own messages are often empty or name only a class. */
final class Failures {
    private Failures() {
    }

    static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            case ConnectException refused -> "connection refused";
            default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
