package callbridge.websocket;

import callbridge.http.RequestHead;
import callbridge.http.SimpleResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The server side of the opening handshake (RFC 6455 section 4.2): decides whether a request is a valid
 * WebSocket upgrade and computes {@code Sec-WebSocket-Accept}.
 */
public final class Handshake {
    /** RFC 6455 1.3: the fixed GUID appended to the client's key before hashing. */
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final String SUPPORTED_VERSION = "13";

    private Handshake() {
    }

    /** What to do with an upgrade request. */
    public sealed interface Outcome {
    }

    /** Upgrade: send {@link #response(Map)} and start speaking WebSocket. */
    public record Accepted(String acceptKey) implements Outcome {
        /** The 101 answer, with {@code extraHeaders} (the server's own, such as its instance) after the handshake's. */
        public byte[] response(Map<String, String> extraHeaders) {
            StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                    .append("Upgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\n")
                    .append("Sec-WebSocket-Accept: ").append(acceptKey).append("\r\n");
            extraHeaders.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Refuse with this HTTP answer and close. */
    public record Rejected(SimpleResponse response) implements Outcome {
    }

    /** Checks the request against RFC 6455 4.2.1, in the order a client most needs to hear about. */
    public static Outcome evaluate(RequestHead request) {
        if (!request.method().equals("GET")) {
            return reject(405, "Method Not Allowed", "a WebSocket upgrade must be a GET", Map.of("Allow", "GET"));
        }
        if (!request.version().equals("HTTP/1.1")) {
            return reject(400, "Bad Request", "a WebSocket upgrade needs HTTP/1.1", Map.of());
        }
        // RFC 6455 4.2.1 (2): the handshake names the server in Host; RFC 9112 3.2: without it, 400.
        if (request.header("Host").isEmpty()) {
            return reject(400, "Bad Request", "a WebSocket upgrade needs a Host header", Map.of());
        }
        if (!request.hasToken("Upgrade", "websocket") || !request.hasToken("Connection", "Upgrade")) {
            return reject(400, "Bad Request", "expected Upgrade: websocket and Connection: Upgrade", Map.of());
        }
        // RFC 6455 4.4: an unsupported version is answered 426 with the versions we do speak.
        if (!request.header("Sec-WebSocket-Version").map(String::strip).orElse("").equals(SUPPORTED_VERSION)) {
            return reject(426, "Upgrade Required", "only WebSocket version 13 is supported",
                    Map.of("Sec-WebSocket-Version", SUPPORTED_VERSION));
        }
        String key = request.header("Sec-WebSocket-Key").orElse("");
        if (!isValidKey(key)) {
            return reject(400, "Bad Request", "Sec-WebSocket-Key must be 16 random bytes in base64", Map.of());
        }
        return new Accepted(acceptKey(key));
    }

    /** RFC 6455 4.2.2: base64(SHA-1(key + GUID)). */
    public static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-1", e);
        }
    }

    /** RFC 6455 4.1: the key is a base64-encoded 16-byte value. */
    private static boolean isValidKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Rejected reject(int status, String phrase, String message, Map<String, String> headers) {
        return new Rejected(SimpleResponse.error(status, phrase, message, headers));
    }
}
