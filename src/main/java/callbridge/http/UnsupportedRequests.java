package callbridge.http;

import java.util.Optional;

/**
 * Requests that parse but that this server does not serve, whatever their target: other HTTP versions than 1.x, and
 * {@code CONNECT}. The front door answers them itself, before anything is relayed: the {@code HttpServer}
 * behind it would answer an {@code HTTP/2.0} request line as if it were 1.1, and a {@code CONNECT} with
 * nothing at all.
 */
public final class UnsupportedRequests {
    private UnsupportedRequests() {
    }

    /** The answer to refuse {@code head} with, or empty when it may be served. */
    public static Optional<SimpleResponse> refusal(RequestHead head) {
        // RFC 9110 2.5: a higher minor version of a major version we implement is served as the highest we
        // know (HTTP/1.9 as 1.1); another major version gets 505 (RFC 9110 15.6.6). HTTP/2 and HTTP/3 are
        // never spoken in an HTTP/1 request line anyway: a client that writes one is broken or probing.
        if (!head.version().startsWith("HTTP/1.")) {
            return Optional.of(SimpleResponse.error(505, "HTTP Version Not Supported",
                    head.version() + " is not supported; use HTTP/1.1"));
        }
        // RFC 9110 9.3.6: CONNECT asks for a tunnel, which only a proxy gives; this is an origin server.
        // RFC 9110 15.6.2: 501 is the answer for a method the server does not support for any resource.
        if (head.method().equals("CONNECT")) {
            return Optional.of(SimpleResponse.error(501, "Not Implemented", "CONNECT is not supported: this is not a proxy"));
        }
        return Optional.empty();
    }
}
