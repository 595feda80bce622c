package callbridge.websocket;

/**
 * Receives what happens on one WebSocket connection.
 *
 * <p>Threads: {@link #onText} runs on a selector thread that reads many connections ({@link ReadSelector}),
 * and none of them is read until it returns. So it must not block: decoding, short computations, locks held
 * only briefly and handing work to other threads are fine; waiting for I/O, for another thread or for a
 * remote service is not, and belongs on a thread of its own. A send returns at once while the peer reads,
 * but waits up to the write deadline for one that does not, so replying from {@code onText} suits only
 * peers known to read (test endpoints echo this way; the media stream never sends from here).
 * {@link #onClose} runs on the connection's own virtual thread, after the last {@code onText}, and may block.
 */
public interface WebSocketListener {
    /** A complete text message; on a selector thread, so it must not block (see above). */
    void onText(WebSocketConnection connection, String message);

    /**
     * The connection has ended; called exactly once, on the connection's own thread, which may block.
     * {@code status} is the close frame the peer sent, or the one we sent when we closed first, or
     * {@link CloseCodes#ABNORMAL} when the connection dropped.
     */
    void onClose(WebSocketConnection connection, CloseFrame status);
}
