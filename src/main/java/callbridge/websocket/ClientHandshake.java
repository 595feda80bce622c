package callbridge.websocket;

import callbridge.http.ResponseHead;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The client side of the opening handshake (RFC 6455 section 4.1), with no I/O: the upgrade request, and
 * the checks a client must make of the server's answer before it sends a frame.
 *
 * @param key the {@code Sec-WebSocket-Key}: 16 random bytes in base64, new for every connection (4.1)
 */
public record ClientHandshake(String key) {
    private static final int KEY_BYTES = 16;

    /** A handshake with a fresh key from {@code random}. */
    public static ClientHandshake withRandomKey(RandomGenerator random) {
        byte[] nonce = new byte[KEY_BYTES];
        random.nextBytes(nonce);
        return new ClientHandshake(Base64.getEncoder().encodeToString(nonce));
    }

    /**
     * The GET that asks for the upgrade (RFC 6455 4.1, items 1-9).
     *
     * @param host         the {@code Host} header: host, and port when not the scheme's default
     * @param target       path and query, as the resource name (4.1 item 3)
     * @param extraHeaders such as {@code X-Twilio-Signature}; values must not hold CR or LF
     */
    public byte[] request(String host, String target, Map<String, String> extraHeaders) {
        StringBuilder head = new StringBuilder()
                .append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        extraHeaders.forEach((name, value) -> {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + name + " holds a line break");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Why the server's answer does not complete the handshake, or empty when it does. RFC 6455 4.1: anything
     * but 101 means no WebSocket; then Upgrade, Connection and the accept key must be exactly right, and the
     * client must fail the connection otherwise.
     */
    public Optional<String> problem(ResponseHead response) {
        if (response.status() != 101) {
            return Optional.of("the server answered " + response.status() + " " + response.reason());
        }
        if (!response.hasToken("Upgrade", "websocket")) {
            return Optional.of("101 without Upgrade: websocket");
        }
        if (!response.hasToken("Connection", "Upgrade")) {
            return Optional.of("101 without Connection: Upgrade");
        }
        String expected = Handshake.acceptKey(key);
        if (!response.header("Sec-WebSocket-Accept").map(String::strip).orElse("").equals(expected)) {
            return Optional.of("Sec-WebSocket-Accept is not " + expected);
        }
        // 4.1 items 5-6: we asked for no extension and no subprotocol, so the server may not choose one.
        if (response.header("Sec-WebSocket-Extensions").isPresent() || response.header("Sec-WebSocket-Protocol").isPresent()) {
            return Optional.of("the server chose an extension or subprotocol that was not offered");
        }
        return Optional.empty();
    }
}
