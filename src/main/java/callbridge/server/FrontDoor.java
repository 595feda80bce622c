package callbridge.server;

import callbridge.http.HeadTooLargeException;
import callbridge.http.Linger;
import callbridge.http.MalformedRequestException;
import callbridge.http.RequestHead;
import callbridge.http.RequestHeadReader;
import callbridge.http.SimpleResponse;
import callbridge.http.UnsupportedRequests;
import callbridge.logging.RateLimitedLog;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.Handshake;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The public port. Twilio reaches callbridge through one URL, so plain HTTP (the webhook, /generate,
 * /health) and the /media WebSocket must share one port. {@code com.sun.net.httpserver} cannot hand a
 * connection over after a 101 Switching Protocols (its exchange closes the socket), so it cannot serve
 * WebSockets. Instead this front door owns the port: a virtual thread per connection reads each request
 * head; a WebSocket upgrade is answered right here and the thread becomes that WebSocket's read loop;
 * any other request is relayed byte for byte ({@link HttpRelay} names the two exceptions) to the
 * {@code HttpServer} on a loopback port.
 */
public final class FrontDoor implements AutoCloseable {
    /** After an error answer, unread input is drained for up to this long (and this many bytes). */
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final long MAX_LINGER_BYTES = 64 * 1024;

    private static final Duration DRAIN_POLL = Duration.ofMillis(20);
    private static final Duration ACCEPT_ERROR_PAUSE = Duration.ofMillis(100);

    private static final System.Logger LOG = System.getLogger(FrontDoor.class.getName());
    /** Both come in floods when they come at all: a client reconnecting, descriptors running out. */
    private final RateLimitedLog refusedAtLimit = RateLimitedLog.of(LOG, Level.WARNING);
    private final RateLimitedLog acceptFailed = RateLimitedLog.of(LOG, Level.WARNING);

    private final ServerSocket listener;
    private final InetSocketAddress backend;
    private final Map<String, WebSocketEndpoint> webSocketEndpoints;
    private final Limits limits;
    private final RelayDepartures departures;
    private final Semaphore connectionPermits;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Set<WebSocketConnection> openWebSockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private FrontDoor(ServerSocket listener, InetSocketAddress backend, Map<String, WebSocketEndpoint> webSocketEndpoints,
                      Limits limits, RelayDepartures departures) {
        this.listener = listener;
        this.backend = backend;
        this.webSocketEndpoints = Map.copyOf(webSocketEndpoints);
        this.limits = limits;
        this.departures = departures;
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
     */
    public static FrontDoor start(InetSocketAddress address, InetSocketAddress backend,
                                  Map<String, WebSocketEndpoint> webSocketEndpoints, Limits limits,
                                  RelayDepartures departures) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(address);
        FrontDoor door = new FrontDoor(listener, backend, webSocketEndpoints, limits, departures);
        door.acceptor.start();
        return door;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Open connections on the public port, of every kind. */
    public int openConnections() {
        return openSockets.size();
    }

    /**
     * Waits until every connection has ended by itself, or {@code timeout} has passed; relays end once the
     * HttpServer behind them has stopped and their last answers are out.
     */
    public void awaitNoConnections(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!openSockets.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(DRAIN_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
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
        openWebSockets.forEach(ws -> ws.close(CloseCodes.GOING_AWAY, reason));
    }

    /** Stops accepting and drops every connection still open. */
    @Override
    public void close() {
        stopAccepting();
        openSockets.forEach(FrontDoor::closeQuietly);
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    // Out of file descriptors, say: pause rather than spin on an error that will recur.
                    acceptFailed.log("accept failed: {0}", e.toString());
                    pause(ACCEPT_ERROR_PAUSE);
                }
                continue;
            }
            if (!connectionPermits.tryAcquire()) {
                // Answered on the accept thread, so without lingering: a full server must stay cheap to refuse.
                try (socket) {
                    SimpleResponse.error(503, "Service Unavailable", "too many open connections").writeTo(socket.getOutputStream());
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "could not refuse {0}: {1}", socket.getRemoteSocketAddress(), e.toString());
                }
                refusedAtLimit.log("connection limit reached: refused {0} with 503", socket.getRemoteSocketAddress());
                continue;
            }
            openSockets.add(socket);
            Thread.ofVirtual().name("conn " + socket.getRemoteSocketAddress()).start(() -> {
                try {
                    serve(socket);
                } finally {
                    openSockets.remove(socket);
                    closeQuietly(socket);
                    connectionPermits.release();
                }
            });
        }
    }

    /** One connection, start to end: a sequence of relayed HTTP requests, possibly ending in a WebSocket. */
    private void serve(Socket socket) {
        HttpRelay relay = null;
        try {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            RequestHeadReader heads = new RequestHeadReader(socket, in);
            while (true) {
                // The first request must begin promptly. Between keep-alive requests we wait without a limit
                // of our own: the HttpServer closes idle connections, and the relay then closes this one.
                // Once a request has begun, head and body must be whole within the request timeout: a
                // deadline for the whole request, so no client can hold a connection by dribbling bytes.
                Duration idleLimit = relay == null ? limits.requestTimeout() : Duration.ZERO;
                Optional<RequestHead> next = heads.read(idleLimit, limits.requestTimeout());
                if (next.isEmpty()) {
                    if (relay != null) {
                        // The client has finished sending (a half-close after its last request is allowed):
                        // answers ready now still go out, but a long poll gives up, because a client that
                        // closed for good looks just the same from here.
                        relay.awaitAnswers();
                    }
                    return;
                }
                RequestHead head = next.get();
                Optional<SimpleResponse> unsupported = UnsupportedRequests.refusal(head);
                if (unsupported.isPresent()) {
                    answerAndClose(socket, relay, unsupported.get());
                    return;
                }
                if (endpointFor(head.path()).isPresent() || head.hasToken("Upgrade", "websocket")) {
                    if (relay != null) {
                        relay.close();
                        relay = null;
                    }
                    upgrade(socket, in, head);
                    return;
                }
                if (relay == null) {
                    relay = HttpRelay.open(socket, backend, limits.writeTimeout(), departures);
                }
                relay.forward(head, in, heads.startedNanos() + limits.requestTimeout().toNanos());
            }
        } catch (HeadTooLargeException e) {
            answerAndClose(socket, relay, SimpleResponse.error(431, "Request Header Fields Too Large", e.getMessage()));
        } catch (MalformedRequestException e) {
            answerAndClose(socket, relay, SimpleResponse.error(400, "Bad Request", e.getMessage()));
        } catch (SocketTimeoutException e) {
            // RFC 9110 15.5.9: 408 when the request did not arrive whole in time, and the connection closes.
            LOG.log(Level.DEBUG, "dropping {0}: {1}", socket.getRemoteSocketAddress(), e.getMessage());
            answerAndClose(socket, relay, SimpleResponse.error(408, "Request Timeout",
                    "request not complete within " + limits.requestTimeout().toMillis() + " ms"));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "connection {0} ended: {1}", socket.getRemoteSocketAddress(), e.toString());
        } catch (RuntimeException e) {
            // A bug must cost one connection, never the server: log it loudly and drop the connection.
            LOG.log(Level.ERROR, "connection " + socket.getRemoteSocketAddress() + " failed", e);
        } finally {
            if (relay != null) {
                relay.close();
            }
        }
    }

    private void upgrade(Socket socket, InputStream in, RequestHead head) throws IOException {
        Optional<WebSocketEndpoint> found = endpointFor(head.path());
        if (found.isEmpty()) {
            refuse(socket, SimpleResponse.error(404, "Not Found", "no WebSocket at " + head.path()));
            return;
        }
        WebSocketEndpoint endpoint = found.get();
        Handshake.Outcome outcome = Handshake.evaluate(head);
        if (outcome instanceof Handshake.Rejected rejected) {
            refuse(socket, rejected.response());
            return;
        }
        Optional<SimpleResponse> refusal = endpoint.refusal(head);
        if (refusal.isPresent()) {
            refuse(socket, refusal.get());
            return;
        }
        socket.getOutputStream().write(((Handshake.Accepted) outcome).response());
        socket.getOutputStream().flush();
        WebSocketConnection connection = new WebSocketConnection(socket, in, limits.webSocketIdleTimeout(),
                limits.writeTimeout(), WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES);
        openWebSockets.add(connection);
        try {
            WebSocketListener listener;
            try {
                listener = endpoint.open(connection, head);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "WebSocket endpoint " + head.path() + " failed to open", e);
                connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
                return;
            }
            connection.serve(listener);
        } finally {
            openWebSockets.remove(connection);
        }
    }

    /**
     * The endpoint serving a path: registered for the path itself, or for a path above it, as
     * {@code /media} serves {@code /media/{CallSid}/{token}} (but not {@code /media/}, which is no path below).
     */
    private Optional<WebSocketEndpoint> endpointFor(String path) {
        return webSocketEndpoints.entrySet().stream()
                .filter(entry -> path.equals(entry.getKey())
                        || path.length() > entry.getKey().length() + 1 && path.startsWith(entry.getKey() + "/"))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** Answers an error; a relay still in use is stopped first so two writers never share the socket. */
    private static void answerAndClose(Socket socket, HttpRelay relay, SimpleResponse response) {
        if (relay != null) {
            relay.close();
        }
        refuse(socket, response);
    }

    /**
     * Writes the answer, half-closes, and reads what the client still sends for a moment before closing:
     * closing with unread input makes TCP send a reset, which can destroy the answer before it is read.
     */
    private static void refuse(Socket socket, SimpleResponse response) {
        try {
            response.writeTo(socket.getOutputStream());
            Linger.drain(socket, socket.getInputStream(), LINGER, MAX_LINGER_BYTES);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not answer {0}: {1}", socket.getRemoteSocketAddress(), e.toString());
        } finally {
            closeQuietly(socket);
        }
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
