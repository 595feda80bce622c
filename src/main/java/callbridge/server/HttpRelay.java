package callbridge.server;

import callbridge.http.DeadlineInputStream;
import callbridge.http.RequestHead;
import callbridge.http.WriteDeadlines;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes one client connection's plain HTTP requests to the loopback {@code HttpServer}, byte for byte
 * (save what that server cannot read: bare-LF line ends, see {@link #withCrlfLineEnds}, and chunked trailers).
 * Requests go up one at a time (the front door reads each head, then {@link BodyFraming} copies exactly
 * its body, within the request's deadline); answers come back through a pump thread that copies whatever
 * the backend writes: fixed or chunked, right away or after a long poll of minutes. When the backend
 * closes its side (it ends idle keep-alive connections on its own timer), the pump closes the client
 * connection too; when the client goes away, the backend connection is closed and handlers still working
 * for the client hear of it through {@link #departure} (see {@link RelayDepartures}).
 */
final class HttpRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpRelay.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int PUMP_BUFFER_BYTES = 16 * 1024;

    private final Socket client;
    private final Socket backend;
    private final SocketAddress backendLocal;
    private final OutputStream toBackend;
    private final WriteDeadlines writeDeadlines;
    private final Duration writeTimeout;
    private final RelayDepartures departures;
    private final Set<CompletableFuture<Void>> departureWatchers = ConcurrentHashMap.newKeySet();
    private final Thread pump;
    private volatile boolean closing;
    private volatile boolean clientGone;

    private HttpRelay(Socket client, Socket backend, WriteDeadlines writeDeadlines, Duration writeTimeout,
                      RelayDepartures departures) throws IOException {
        this.client = client;
        this.backend = backend;
        this.backendLocal = backend.getLocalSocketAddress();
        this.toBackend = new BufferedOutputStream(backend.getOutputStream());
        this.writeDeadlines = writeDeadlines;
        this.writeTimeout = writeTimeout;
        this.departures = departures;
        departures.register(backendLocal, this); // before any request goes up
        this.pump = Thread.ofVirtual().name("relay-pump " + client.getRemoteSocketAddress()).start(this::pumpAnswers);
    }

    /**
     * @param writeDeadlines the timer that keeps the deadline of each write to the client
     * @param writeTimeout   a client that takes no answer bytes for this long is dropped
     */
    static HttpRelay open(Socket client, InetSocketAddress backendAddress, WriteDeadlines writeDeadlines,
                          Duration writeTimeout, RelayDepartures departures) throws IOException {
        Socket backend = new Socket();
        try {
            backend.setTcpNoDelay(true);
            backend.connect(backendAddress, (int) CONNECT_TIMEOUT.toMillis());
            return new HttpRelay(client, backend, writeDeadlines, writeTimeout, departures);
        } catch (IOException e) {
            backend.close();
            throw e;
        }
    }

    /**
     * Sends one request, head and body, to the backend; the body must have arrived whole by
     * {@code deadlineNanos} ({@link System#nanoTime()}), else a {@link java.net.SocketTimeoutException}.
     */
    void forward(RequestHead head, InputStream fromClient, long deadlineNanos) throws IOException {
        BodyFraming framing = BodyFraming.of(head); // before anything is sent: a bad request goes nowhere
        toBackend.write(withCrlfLineEnds(head.raw()));
        if (head.hasToken("Expect", "100-continue")) {
            // RFC 9110 10.1.1: the client holds its body back until it hears 100 Continue, which the backend
            // sends once it has the head. Left in the buffer, the head never gets there and both sides wait.
            toBackend.flush();
        }
        DeadlineInputStream body = new DeadlineInputStream(client, fromClient, "request");
        body.deadlineAt(deadlineNanos);
        framing.copy(body, toBackend);
        toBackend.flush();
    }

    /**
     * The client will send nothing more: passes that on to the backend, which answers what it has been
     * sent and then closes, and waits until the pump has copied those answers to the client. Handlers
     * still waiting for something to answer (long polls) learn that the client has left and give up: a
     * client that closes without reading looks the same as one that only stopped sending.
     */
    void awaitAnswers() throws IOException {
        clientLeft();
        toBackend.flush();
        backend.shutdownOutput();
        try {
            pump.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Completes when the client goes away (at once if it has); the caller cancels it when done. */
    CompletableFuture<Void> departure() {
        CompletableFuture<Void> departure = new CompletableFuture<>();
        departureWatchers.add(departure);
        departure.whenComplete((ignored, cancelled) -> departureWatchers.remove(departure));
        if (clientGone) { // checked after adding: clientLeft() may have run in between
            departure.complete(null);
        }
        return departure;
    }

    /**
     * The head with every line ended by CRLF. RFC 9112 2.2 lets the front door accept lines ended by a bare
     * LF, but the HttpServer ends its request line only at CRLF and would wait for one forever. Bare CRs
     * never get this far ({@link RequestHead#parse} refuses them), so adding the missing CRs changes nothing
     * else; a head already in CRLF form is passed on as it is.
     */
    static byte[] withCrlfLineEnds(byte[] raw) {
        if (!hasBareLineFeed(raw)) {
            return raw;
        }
        ByteArrayOutputStream lines = new ByteArrayOutputStream(raw.length + 16);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                lines.write('\r');
            }
            lines.write(raw[i]);
        }
        return lines.toByteArray();
    }

    private static boolean hasBareLineFeed(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops relaying (the connection is being upgraded, or is done): the client connection stays open, but
     * nothing more passes between it and the backend, so handlers still working for it are told it left.
     */
    @Override
    public void close() {
        closing = true;
        clientLeft();
        try {
            backend.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the backend connection: {0}", e.toString());
        }
        try {
            pump.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        departures.unregister(backendLocal, this);
    }

    private void clientLeft() {
        clientGone = true;
        departureWatchers.forEach(departure -> departure.complete(null));
    }

    private void pumpAnswers() {
        try (InputStream fromBackend = backend.getInputStream()) {
            OutputStream toClient = client.getOutputStream();
            byte[] buffer = new byte[PUMP_BUFFER_BYTES];
            int n;
            while ((n = fromBackend.read(buffer)) >= 0) {
                // A client that stops reading is dropped after the write timeout, which frees this thread,
                // the backend connection and the handler writing into it.
                writeDeadlines.write(client, toClient, buffer, 0, n, writeTimeout);
            }
        } catch (IOException e) {
            if (!closing) {
                LOG.log(Level.DEBUG, "relay to {0} ended: {1}", client.getRemoteSocketAddress(), e.toString());
            }
        }
        if (!closing) {
            // The backend ended the conversation, or the client stopped taking answers or went away: end it
            // for the client too, which also wakes the front door's thread waiting for the next request head.
            // (The backend connection is already closed: closing a socket's input stream, above, closes it.)
            clientLeft();
            try {
                client.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the client connection: {0}", e.toString());
            }
        }
    }
}
