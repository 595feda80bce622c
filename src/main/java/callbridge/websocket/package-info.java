/**
 * RFC 6455 by hand, server side first: the opening handshake ({@link callbridge.websocket.Handshake}), the frame
 * codec ({@link callbridge.websocket.FrameDecoder}, {@link callbridge.websocket.FrameWriter}), message rules
 * ({@link callbridge.websocket.MessageAssembler}, {@link callbridge.websocket.Utf8Validator}), close codes,
 * and {@link callbridge.websocket.WebSocketConnection}: frames read and decoded for all connections by a few
 * selector threads ({@link callbridge.websocket.ReadSelector}, which says why), the end of each connection
 * on its own virtual thread, sends from any thread ({@link callbridge.websocket.FrameSender}, waiting with a
 * deadline through {@link callbridge.websocket.ChannelWaits}). The selector threads and the sweeper of idle
 * connections are a {@link callbridge.websocket.WebSocketThreads}, which whoever owns the server makes and
 * stops. The client side, for {@code emulate}: {@link callbridge.websocket.ClientHandshake} (the
 * request and the checks of the answer), {@link callbridge.websocket.WebSocketClient} (connect) and
 * {@link callbridge.websocket.ClientConnection} (masked sends built in one reused array, with keys from
 * {@link callbridge.websocket.MaskingKeys}, and a blocking {@link callbridge.websocket.FrameReader} over the
 * same decoder for the server's frames).
 * Depends on {@code http}, {@code time} (its token bucket meters every peer's frames) and {@code logging}.
 */
package callbridge.websocket;
