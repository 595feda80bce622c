/**
 * The server: {@link callbridge.server.FrontDoor} owns the public port (accept loop, connection cap);
 * {@link callbridge.server.ConnectionDispatch} reads every request head of a connection; WebSocket upgrades
 * are served by {@link callbridge.server.WebSocketUpgrades}, and plain HTTP is relayed byte for byte
 * ({@link callbridge.server.HttpRelay}, {@link callbridge.server.BodyFraming}) to the loopback
 * {@code HttpServer} of {@link callbridge.server.HttpRoutes}. One port, two protocols: see README.md, "How it
 * works", and {@code FrontDoor}. The threads all connections share ({@link callbridge.server.ServerThreads})
 * are handed to the server by whoever owns it. {@link callbridge.server.Routes} is the table of paths;
 * {@link callbridge.server.GenerateHandler} is the HTTP side of {@code /generate} (its query read by
 * {@link callbridge.server.GenerateQuery} into the domain's {@code TurnRequest}, every parameter's value as
 * {@link callbridge.server.QueryParameters} reads it), {@link callbridge.server.CallsHandler} of {@code /calls},
 * {@link callbridge.server.MetricsHandler} of {@code /metrics}.
 *
 * <p>Depends on {@code http}, {@code websocket}, {@code json}, {@code logging}, {@code metrics}, {@code time},
 * {@code config} (the keys the handlers check), on {@code call} for the {@code /generate} handler, on
 * {@code record} for {@code /calls} (the calls' records), and on {@code twilio} for the paths Twilio calls.
 */
package callbridge.server;
