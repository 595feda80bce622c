/**
 * The server: {@link callbridge.server.FrontDoor} owns the public port and reads every request head;
 * WebSocket upgrades are served there, and plain HTTP is relayed byte for byte
 * ({@link callbridge.server.HttpRelay}, {@link callbridge.server.BodyFraming}) to the loopback
 * {@code HttpServer} of {@link callbridge.server.HttpRoutes}. One port, two protocols: see DESIGN.md.
 */
package callbridge.server;
