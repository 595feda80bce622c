package callbridge.server;

import callbridge.http.RequestHead;
import callbridge.http.SimpleResponse;
import callbridge.logging.LogText;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.Handshake;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;
import callbridge.websocket.WebSocketThreads;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WebSocket upgrades on the public port: finds the endpoint for the path, answers the opening handshake
 * (RFC 6455 4.2) or refuses it with an HTTP status, and then serves the connection until it closes (its
 * frames are read on a selector thread; the calling thread waits for the end and finishes it). Keeps the open WebSockets, so a shutdown can close them all.
 */
final class WebSocketUpgrades {
    private static final System.Logger LOG = System.getLogger(WebSocketUpgrades.class.getName());

    private final Map<String, WebSocketEndpoint> endpoints;
    private final Limits limits;
    private final Map<String, String> answerHeaders;
    private final WebSocketThreads threads;
    private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();

    /**
     * @param endpoints     by path; each also serves the paths below its own
     * @param answerHeaders added to every answer, the 101 and the refusals alike
     * @param threads       the threads that read the WebSockets' frames and watch them for idleness
     */
    WebSocketUpgrades(Map<String, WebSocketEndpoint> endpoints, Limits limits, Map<String, String> answerHeaders,
                      WebSocketThreads threads) {
        this.threads = threads;
        this.endpoints = Map.copyOf(endpoints);
        this.limits = limits;
        this.answerHeaders = Map.copyOf(answerHeaders);
    }

    /** True when the request is for a WebSocket: its path has an endpoint, or it asks to upgrade. */
    boolean wants(RequestHead head) {
        return endpointFor(head.path()).isPresent() || head.hasToken("Upgrade", "websocket");
    }

    /** Answers the upgrade and serves the WebSocket until it ends, or refuses it; the socket is closed either way. */
    void serve(Socket socket, InputStream in, RequestHead head) throws IOException {
        Optional<WebSocketEndpoint> found = endpointFor(head.path());
        if (found.isEmpty()) {
            refuse(socket, SimpleResponse.error(404, "Not Found", "no WebSocket at " + head.path()));
            return;
        }
        Handshake.Outcome outcome = Handshake.evaluate(head);
        if (outcome instanceof Handshake.Rejected rejected) {
            refuse(socket, rejected.response());
            return;
        }
        Optional<SimpleResponse> refusal = found.get().refusal(head);
        if (refusal.isPresent()) {
            refuse(socket, refusal.get());
            return;
        }
        socket.getOutputStream().write(((Handshake.Accepted) outcome).response(answerHeaders));
        socket.getOutputStream().flush();
        // The front door accepts through a ServerSocketChannel, so every connection has a channel: from here
        // on a selector thread reads it (see WebSocketConnection), and this thread waits for its end.
        WebSocketConnection connection = new WebSocketConnection(socket.getChannel(), in, limits.webSocketIdleTimeout(),
                limits.writeTimeout(), WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES, threads);
        open.add(connection);
        try {
            open(found.get(), connection, head).ifPresent(connection::serve);
        } finally {
            open.remove(connection);
        }
    }

    private void refuse(Socket socket, SimpleResponse refusal) {
        refusal.withHeaders(answerHeaders).answerAndClose(socket);
    }

    /** WebSockets open now, served or closing. */
    int openCount() {
        return open.size();
    }

    /** Starts the closing handshake on every open WebSocket with 1001 Going Away. */
    void closeAll(String reason) {
        open.forEach(ws -> ws.close(CloseCodes.GOING_AWAY, reason));
    }

    /** Drops every open WebSocket at once, without a closing handshake. */
    void abortAll() {
        open.forEach(WebSocketConnection::abort);
    }

    private static Optional<WebSocketListener> open(WebSocketEndpoint endpoint, WebSocketConnection connection,
                                                    RequestHead head) {
        try {
            return Optional.of(endpoint.open(connection, head));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "WebSocket endpoint " + LogText.quote(head.path()) + " failed to open", e);
            connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
            return Optional.empty();
        }
    }

    /**
     * The endpoint serving a path: registered for the path itself, or for a path above it, as
     * {@code /media} serves {@code /media/{CallSid}/{token}} (but not {@code /media/}, which is no path below).
     */
    private Optional<WebSocketEndpoint> endpointFor(String path) {
        return endpoints.entrySet().stream()
                .filter(entry -> path.equals(entry.getKey())
                        || path.length() > entry.getKey().length() + 1 && path.startsWith(entry.getKey() + "/"))
                .map(Map.Entry::getValue)
                .findFirst();
    }
}
