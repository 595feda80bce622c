package callbridge.server;

import callbridge.http.SimpleResponse;
import callbridge.logging.RateLimitedLog;
import callbridge.websocket.WebSocketEndpoint;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The public port. Twilio reaches callbridge through one URL, so plain HTTP (the webhook, /generate,
 * /health) and the /media WebSocket must share one port. {@code com.sun.net.httpserver} cannot hand a
 * connection over after a 101 Switching Protocols (its exchange closes the socket), so it cannot serve
 * WebSockets. Instead this front door owns the port: one thread accepts, within a cap on open
 * connections, and gives each connection a virtual thread of its own ({@link ConnectionDispatch}) that
 * reads each request head; a WebSocket upgrade is answered there ({@link WebSocketUpgrades}) and the
 * thread then waits for that WebSocket's end; any other request is relayed byte for byte
 * ({@link HttpRelay} names the two exceptions) to the {@code HttpServer} on a loopback port.
 *
 * <p>It accepts through a {@link ServerSocketChannel}, so that every connection has a channel: plain HTTP
 * is served through the channel's blocking socket adapter, while an upgraded WebSocket's channel is read by
 * a selector thread (see {@code websocket/ReadSelector} for why), its own thread only waiting for its end.
 */
public final class FrontDoor implements AutoCloseable {
    private static final Duration ACCEPT_ERROR_PAUSE = Duration.ofMillis(100);

    private static final System.Logger LOG = System.getLogger(FrontDoor.class.getName());
    /** Both come in floods when they come at all: a client reconnecting, descriptors running out. */
    private final RateLimitedLog refusedAtLimit = RateLimitedLog.of(LOG, Level.WARNING);
    private final RateLimitedLog acceptFailed = RateLimitedLog.of(LOG, Level.WARNING);

    private final ServerSocketChannel listener;
    private final int port;
    private final WebSocketUpgrades webSockets;
    private final ConnectionDispatch dispatch;
    private final Semaphore connectionPermits;
    private final Map<String, String> answerHeaders;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    /** Signalled whenever a connection ends, for {@link #awaitNoConnections}. */
    private final ReentrantLock endedLock = new ReentrantLock();
    private final Condition connectionEnded = endedLock.newCondition();
    private final Thread acceptor;

    private FrontDoor(ServerSocketChannel listener, InetSocketAddress backend, Map<String, WebSocketEndpoint> webSocketEndpoints,
                      Limits limits, RelayDepartures departures, Map<String, String> answerHeaders, ServerThreads threads)
            throws IOException {
        this.listener = listener;
        this.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        this.answerHeaders = Map.copyOf(answerHeaders);
        this.webSockets = new WebSocketUpgrades(webSocketEndpoints, limits, answerHeaders, threads.webSockets());
        this.dispatch = new ConnectionDispatch(backend, webSockets, limits, departures, answerHeaders, threads.writeDeadlines());
        this.connectionPermits = new Semaphore(limits.maxConnections());
        this.acceptor = Thread.ofPlatform().name("front-door-accept").daemon(false).unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param backend            the loopback address of the {@code HttpServer} that answers plain HTTP
     * @param webSocketEndpoints paths that accept a WebSocket upgrade, and the paths below them
     * @param limits             what one client may hold, and for how long
     * @param departures         where relays are registered, so handlers can learn their client left
     * @param answerHeaders      added to every answer the front door gives itself (relayed answers carry their own)
     * @param threads            the threads its connections share; the caller stops them after {@link #close}
     */
    public static FrontDoor start(InetSocketAddress address, InetSocketAddress backend,
                                  Map<String, WebSocketEndpoint> webSocketEndpoints, Limits limits,
                                  RelayDepartures departures, Map<String, String> answerHeaders, ServerThreads threads)
            throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(address, Limits.LISTEN_BACKLOG);
        FrontDoor door = new FrontDoor(listener, backend, webSocketEndpoints, limits, departures, answerHeaders, threads);
        door.acceptor.start();
        return door;
    }

    public int port() {
        return port;
    }

    /**
     * Open connections on the public port, of every kind. A connection leaves this count only after its
     * slot under the cap is free again, so a count below the cap means the next connection is admitted.
     */
    public int openConnections() {
        return openSockets.size();
    }

    /** Of the {@link #openConnections()}, those upgraded to a WebSocket (media streams). */
    public int openWebSockets() {
        return webSockets.openCount();
    }

    /**
     * Waits until every connection has ended by itself, or {@code timeout} has passed; relays end once the
     * HttpServer behind them has stopped and their last answers are out.
     */
    public void awaitNoConnections(Duration timeout) {
        long nanos = timeout.toNanos();
        endedLock.lock();
        try {
            while (!openSockets.isEmpty() && nanos > 0) {
                nanos = connectionEnded.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            endedLock.unlock();
        }
    }

    /** Stops taking new connections; open ones carry on. */
    public void stopAccepting() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the listener: {0}", e.toString());
        }
    }

    /** Starts the closing handshake on every open WebSocket with 1001 Going Away. */
    public void closeWebSockets(String reason) {
        webSockets.closeAll(reason);
    }

    /** Stops accepting and drops every connection still open. */
    @Override
    public void close() {
        stopAccepting();
        webSockets.abortAll(); // their threads wait for the read side, which a bare socket close would not end
        openSockets.forEach(FrontDoor::closeQuietly);
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            Socket socket;
            try {
                socket = listener.accept().socket();
            } catch (IOException e) {
                if (listener.isOpen()) {
                    // Out of file descriptors, say: pause rather than spin on an error that will recur.
                    acceptFailed.log("accept failed: {0}", e.toString());
                    pause(ACCEPT_ERROR_PAUSE);
                }
                continue;
            }
            if (connectionPermits.tryAcquire()) {
                openSockets.add(socket);
                Thread.ofVirtual().name("conn " + socket.getRemoteSocketAddress()).start(() -> serve(socket));
            } else {
                refuseAtLimit(socket);
            }
        }
    }

    /** The connection's own thread: whatever happens, its permit comes back and its socket is closed. */
    private void serve(Socket socket) {
        try {
            dispatch.serve(socket);
        } finally {
            closeQuietly(socket);
            // The permit first: once openConnections() has fallen, the slot it counted is free to take.
            connectionPermits.release();
            openSockets.remove(socket);
            endedLock.lock();
            try {
                connectionEnded.signalAll();
            } finally {
                endedLock.unlock();
            }
        }
    }

    /** Answered on the accept thread, so without lingering: a full server must stay cheap to refuse. */
    private void refuseAtLimit(Socket socket) {
        try (socket) {
            SimpleResponse.error(503, "Service Unavailable", "too many open connections").withHeaders(answerHeaders)
                    .writeTo(socket.getOutputStream());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not refuse {0}: {1}", socket.getRemoteSocketAddress(), e.toString());
        }
        refusedAtLimit.log("connection limit reached: refused {0} with 503", socket.getRemoteSocketAddress());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
        }
    }
}
