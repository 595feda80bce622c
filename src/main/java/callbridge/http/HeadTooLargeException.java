package callbridge.http;

import java.io.IOException;

/** The request head passed a size limit (its bytes, or its number of header fields): answered with 431. */
public final class HeadTooLargeException extends IOException {
    public HeadTooLargeException(int limit) {
        super("request head larger than " + limit + " bytes");
    }

    private HeadTooLargeException(String message) {
        super(message);
    }

    /** More than {@code limit} header fields. */
    public static HeadTooLargeException fields(int limit) {
        return new HeadTooLargeException("more than " + limit + " header fields");
    }
}
