/**
 * RFC 6455, server side, by hand: the opening handshake ({@link callbridge.websocket.Handshake}), the frame
 * codec ({@link callbridge.websocket.FrameReader}, {@link callbridge.websocket.FrameWriter}), message rules
 * ({@link callbridge.websocket.MessageAssembler}, {@link callbridge.websocket.Utf8Validator}), close codes,
 * and {@link callbridge.websocket.WebSocketConnection}: one blocking read loop per connection, sends from
 * any thread. Depends on {@code http} only.
 */
package callbridge.websocket;
