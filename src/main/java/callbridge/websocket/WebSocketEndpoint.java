package callbridge.websocket;

import callbridge.http.RequestHead;
import callbridge.http.SimpleResponse;

import java.util.Optional;

/** A path that accepts WebSocket connections, such as {@code /media}. */
public interface WebSocketEndpoint {
    /**
     * Looked at before the handshake is answered: an HTTP answer to refuse this upgrade with (for instance
     * 403 for a bad signature), or empty to accept it.
     */
    default Optional<SimpleResponse> refusal(RequestHead request) {
        return Optional.empty();
    }

    /** Called once the handshake is done; the listener gets this connection's messages. */
    WebSocketListener open(WebSocketConnection connection, RequestHead request);
}
