package callbridge.http;

import java.io.IOException;

/** The request head passed the size limit before its blank line: answered with 431. */
public final class HeadTooLargeException extends IOException {
    public HeadTooLargeException(int limit) {
        super("request head larger than " + limit + " bytes");
    }
}
