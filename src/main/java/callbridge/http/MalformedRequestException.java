package callbridge.http;

import java.io.IOException;

/** The bytes are not an HTTP/1.1 request head: answered with 400. */
public final class MalformedRequestException extends IOException {
    public MalformedRequestException(String message) {
        super(message);
    }
}
