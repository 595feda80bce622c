package callbridge.server;

import callbridge.time.Deadline;
import callbridge.websocket.WebSocketEndpoint;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two halves of the server started together: the loopback {@link HttpRoutes} and the public
 * {@link FrontDoor} that relays to it and serves WebSockets itself.
 */
public final class CallbridgeServer implements AutoCloseable {
    /**
     * Names the instance that answered, on every answer: behind a load balancer, an operator and a driver
     * see where each request went. A request may name an instance in it too, for a load balancer that
     * routes on it ({@code use-server}).
     */
    public static final String INSTANCE_HEADER = "X-Callbridge-Instance";

    private static final System.Logger LOG = System.getLogger(CallbridgeServer.class.getName());

    private final HttpRoutes routes;
    private final FrontDoor frontDoor;
    private final AtomicBoolean draining;

    private CallbridgeServer(HttpRoutes routes, FrontDoor frontDoor, AtomicBoolean draining) {
        this.routes = routes;
        this.frontDoor = frontDoor;
        this.draining = draining;
    }

    /**
     * @param address      the public address to bind (port 0 picks a free port)
     * @param httpHandlers plain-HTTP routes by path prefix, besides {@code /health}
     * @param webSockets   WebSocket endpoints by path (each also serves the paths below it)
     * @param limits       what one client of the public port may hold, and for how long
     * @param departures   where handlers learn that their client has gone away
     * @param answerHeaders added to every answer of the public port, such as the instance's name
     * @param threads      the threads its connections share; the caller stops them once this server is closed
     */
    public static CallbridgeServer start(InetSocketAddress address, Map<String, HttpHandler> httpHandlers,
                                         Map<String, WebSocketEndpoint> webSockets, Limits limits,
                                         RelayDepartures departures, Map<String, String> answerHeaders,
                                         ServerThreads threads) throws IOException {
        AtomicBoolean draining = new AtomicBoolean();
        HttpRoutes routes = HttpRoutes.start(httpHandlers, draining::get, departures::isRelay, answerHeaders,
                threads.webSockets()::readThreadsRunning);
        try {
            FrontDoor frontDoor = FrontDoor.start(address, routes.address(), webSockets, limits, departures, answerHeaders,
                    threads);
            return new CallbridgeServer(routes, frontDoor, draining);
        } catch (IOException e) {
            routes.close();
            throw e;
        }
    }

    public int port() {
        return frontDoor.port();
    }

    public FrontDoor frontDoor() {
        return frontDoor;
    }

    /**
     * From now on {@code /health} answers 404: a load balancer sends no new calls here, and everything else
     * is served as before, so the calls already here go on.
     */
    public void startDraining() {
        draining.set(true);
    }

    public boolean isDraining() {
        return draining.get();
    }

    /**
     * Lets requests in progress finish for up to {@code patience} (their answers still pass through the
     * front door), then drops every connection.
     */
    public void close(Duration patience) {
        Deadline deadline = Deadline.after(patience, Clock.systemUTC());
        frontDoor.stopAccepting();
        routes.close(patience);
        // The last answers may still be on their way through the relays: let them out before dropping.
        frontDoor.awaitNoConnections(deadline.remaining());
        if (frontDoor.openConnections() > 0) {
            LOG.log(Level.INFO, "dropping {0} connection(s) still open", frontDoor.openConnections());
        }
        frontDoor.close();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
