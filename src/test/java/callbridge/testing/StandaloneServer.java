package callbridge.testing;

import callbridge.server.CallbridgeServer;
import callbridge.server.FrontDoor;
import callbridge.server.Limits;
import callbridge.server.RelayDepartures;
import callbridge.server.ServerThreads;
import callbridge.websocket.WebSocketEndpoint;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * The real server (its front door and the routes behind it) alone in a test, on a loopback port: it starts
 * the threads its connections share and stops them once the server has closed, as the composition root
 * does for the application.
 */
public final class StandaloneServer implements AutoCloseable {
    private final CallbridgeServer server;
    private final ServerThreads threads;

    private StandaloneServer(CallbridgeServer server, ServerThreads threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * @param httpHandlers plain-HTTP routes by path prefix, besides {@code /health}
     * @param webSockets   WebSocket endpoints by path
     */
    public static StandaloneServer start(Map<String, HttpHandler> httpHandlers, Map<String, WebSocketEndpoint> webSockets,
                                         Limits limits, RelayDepartures departures) throws IOException {
        ServerThreads threads = ServerThreads.start();
        try {
            return new StandaloneServer(CallbridgeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    httpHandlers, webSockets, limits, departures, Map.of(), threads), threads);
        } catch (IOException | RuntimeException e) {
            threads.close();
            throw e;
        }
    }

    /** With the default request and write timeouts, its handlers not asking about departures. */
    public static StandaloneServer start(Map<String, HttpHandler> httpHandlers, Map<String, WebSocketEndpoint> webSockets,
                                         Duration webSocketIdle, int maxConnections) throws IOException {
        return start(httpHandlers, webSockets, limits(maxConnections, webSocketIdle), new RelayDepartures());
    }

    /** The given connection cap and WebSocket idle timeout, the default request and write timeouts. */
    public static Limits limits(int maxConnections, Duration webSocketIdle) {
        return new Limits(maxConnections, Limits.DEFAULT_REQUEST_TIMEOUT, webSocketIdle, Limits.DEFAULT_WRITE_TIMEOUT);
    }

    public CallbridgeServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public FrontDoor frontDoor() {
        return server.frontDoor();
    }

    /** Closes the server as {@link CallbridgeServer#close(Duration)} does, then stops its threads. */
    public void close(Duration patience) {
        try {
            server.close(patience);
        } finally {
            threads.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
