package callbridge.websocket;

/** Receives what happens on one WebSocket connection; both methods run on the connection's own thread. */
public interface WebSocketListener {
    /** A complete text message. */
    void onText(WebSocketConnection connection, String message);

    /**
     * The connection has ended; called exactly once. {@code status} is the close frame the peer sent, or the
     * one we sent when we closed first, or {@link CloseCodes#ABNORMAL} when the connection dropped.
     */
    void onClose(WebSocketConnection connection, CloseFrame status);
}
