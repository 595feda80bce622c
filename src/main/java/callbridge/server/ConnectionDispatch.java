package callbridge.server;

import callbridge.http.HeadTooLargeException;
import callbridge.http.MalformedRequestException;
import callbridge.http.RequestHead;
import callbridge.http.RequestHeadReader;
import callbridge.http.SimpleResponse;
import callbridge.http.UnsupportedRequests;
import callbridge.http.WriteDeadlines;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One connection on the public port, start to end, on its own virtual thread: reads each request head
 * and either relays the request to the loopback {@code HttpServer} ({@link HttpRelay}) or, for a
 * WebSocket upgrade, hands the connection over to {@link WebSocketUpgrades} for good. Requests it cannot
 * serve are answered here with a status and the connection closed.
 */
final class ConnectionDispatch {
    private static final System.Logger LOG = System.getLogger(ConnectionDispatch.class.getName());

    private final InetSocketAddress backend;
    private final WebSocketUpgrades webSockets;
    private final Limits limits;
    private final RelayDepartures departures;
    private final Map<String, String> answerHeaders;
    private final WriteDeadlines writeDeadlines;

    /**
     * @param answerHeaders  added to every answer the front door gives itself
     * @param writeDeadlines the timer that keeps the relays' write deadlines
     */
    ConnectionDispatch(InetSocketAddress backend, WebSocketUpgrades webSockets, Limits limits, RelayDepartures departures,
                       Map<String, String> answerHeaders, WriteDeadlines writeDeadlines) {
        this.writeDeadlines = writeDeadlines;
        this.backend = backend;
        this.webSockets = webSockets;
        this.limits = limits;
        this.departures = departures;
        this.answerHeaders = Map.copyOf(answerHeaders);
    }

    /** Serves the connection until it ends: a sequence of relayed HTTP requests, possibly ending in a WebSocket. */
    void serve(Socket socket) {
        Relaying relaying = new Relaying();
        try {
            socket.setTcpNoDelay(true);
            serveRequests(socket, relaying);
        } catch (HeadTooLargeException e) {
            answerAndClose(socket, relaying, SimpleResponse.error(431, "Request Header Fields Too Large", e.getMessage()));
        } catch (MalformedRequestException e) {
            answerAndClose(socket, relaying, SimpleResponse.error(400, "Bad Request", e.getMessage()));
        } catch (SocketTimeoutException e) {
            // RFC 9110 15.5.9: 408 when the request did not arrive whole in time, and the connection closes.
            LOG.log(Level.DEBUG, "dropping {0}: {1}", socket.getRemoteSocketAddress(), e.getMessage());
            answerAndClose(socket, relaying, SimpleResponse.error(408, "Request Timeout",
                    "request not complete within " + limits.requestTimeout().toMillis() + " ms"));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "connection {0} ended: {1}", socket.getRemoteSocketAddress(), e.toString());
        } catch (RuntimeException e) {
            // A bug must cost one connection, never the server: log it loudly and drop the connection.
            LOG.log(Level.ERROR, "connection " + socket.getRemoteSocketAddress() + " failed", e);
        } finally {
            relaying.stop();
        }
    }

    /** The connection's relay to the backend, opened with its first plain request. */
    private static final class Relaying {
        private HttpRelay relay;

        /** Stops relaying, so that nobody else writes to the client; safe to call again. */
        void stop() {
            if (relay != null) {
                relay.close();
                relay = null;
            }
        }
    }

    private void serveRequests(Socket socket, Relaying relaying) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        RequestHeadReader heads = new RequestHeadReader(socket, in);
        while (true) {
            // The first request must begin promptly. Between keep-alive requests we wait without a limit
            // of our own: the HttpServer closes idle connections, and the relay then closes this one.
            // Once a request has begun, head and body must be whole within the request timeout: a
            // deadline for the whole request, so no client can hold a connection by dribbling bytes.
            Duration idleLimit = relaying.relay == null ? limits.requestTimeout() : Duration.ZERO;
            Optional<RequestHead> next = heads.read(idleLimit, limits.requestTimeout());
            if (next.isEmpty()) {
                if (relaying.relay != null) {
                    // The client has finished sending (a half-close after its last request is allowed):
                    // answers ready now still go out, but a long poll gives up, because a client that
                    // closed for good looks just the same from here.
                    relaying.relay.awaitAnswers();
                }
                return;
            }
            RequestHead head = next.get();
            Optional<SimpleResponse> unsupported = UnsupportedRequests.refusal(head);
            if (unsupported.isPresent()) {
                answerAndClose(socket, relaying, unsupported.get());
                return;
            }
            if (webSockets.wants(head)) {
                relaying.stop(); // the connection is the WebSocket's from now on
                webSockets.serve(socket, in, head);
                return;
            }
            if (relaying.relay == null) {
                relaying.relay = HttpRelay.open(socket, backend, writeDeadlines, limits.writeTimeout(), departures);
            }
            relaying.relay.forward(head, in, heads.startedNanos() + limits.requestTimeout().toNanos());
        }
    }

    /** Answers an error; a relay still in use is stopped first so two writers never share the socket. */
    private void answerAndClose(Socket socket, Relaying relaying, SimpleResponse response) {
        relaying.stop();
        response.withHeaders(answerHeaders).answerAndClose(socket);
    }
}
