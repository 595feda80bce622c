/**
 * RFC 6455 by hand, server side first: the opening handshake ({@link callbridge.websocket.Handshake}), the frame
 * codec ({@link callbridge.websocket.FrameReader}, {@link callbridge.websocket.FrameWriter}), message rules
 * ({@link callbridge.websocket.MessageAssembler}, {@link callbridge.websocket.Utf8Validator}), close codes,
 * and {@link callbridge.websocket.WebSocketConnection}: one blocking read loop per connection, sends from
 * any thread. The client side, for {@code emulate}: {@link callbridge.websocket.ClientHandshake} (the
 * request and the checks of the answer), {@link callbridge.websocket.WebSocketClient} (connect) and
 * {@link callbridge.websocket.ClientConnection} (masked sends, the same frame reader for the server's frames).
 * Depends on {@code http} only.
 */
package callbridge.websocket;
