package callbridge.server;

import callbridge.http.RequestHead;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Passes one client connection's plain HTTP requests to the loopback {@code HttpServer}, byte for byte
 * (save what that server cannot read: bare-LF line ends, see {@link #withCrlfLineEnds}, and chunked trailers).
 * Requests go up one at a time (the front door reads each head, then {@link BodyFraming} copies exactly
 * its body); answers come back through a pump thread that copies whatever the backend writes: fixed or
 * chunked, right away or after a long poll of minutes. When the backend closes its side (it ends idle
 * keep-alive connections on its own timer), the pump closes the client connection too.
 */
final class HttpRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpRelay.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A client that stops sending in the middle of a body is dropped after this long. */
    private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(30);

    private final Socket client;
    private final Socket backend;
    private final OutputStream toBackend;
    private final Thread pump;
    private volatile boolean closing;

    private HttpRelay(Socket client, Socket backend) throws IOException {
        this.client = client;
        this.backend = backend;
        this.toBackend = new BufferedOutputStream(backend.getOutputStream());
        this.pump = Thread.ofVirtual().name("relay-pump " + client.getRemoteSocketAddress()).start(this::pumpAnswers);
    }

    static HttpRelay open(Socket client, InetSocketAddress backendAddress) throws IOException {
        Socket backend = new Socket();
        try {
            backend.setTcpNoDelay(true);
            backend.connect(backendAddress, (int) CONNECT_TIMEOUT.toMillis());
            return new HttpRelay(client, backend);
        } catch (IOException e) {
            backend.close();
            throw e;
        }
    }

    /** Sends one request, head and body, to the backend. */
    void forward(RequestHead head, InputStream fromClient) throws IOException {
        BodyFraming framing = BodyFraming.of(head); // before anything is sent: a bad request goes nowhere
        toBackend.write(withCrlfLineEnds(head.raw()));
        if (head.hasToken("Expect", "100-continue")) {
            // RFC 9110 10.1.1: the client holds its body back until it hears 100 Continue, which the backend
            // sends once it has the head. Left in the buffer, the head never gets there and both sides wait.
            toBackend.flush();
        }
        client.setSoTimeout((int) BODY_READ_TIMEOUT.toMillis());
        framing.copy(fromClient, toBackend);
        toBackend.flush();
    }

    /**
     * The client will send nothing more: passes that on to the backend, which answers what it has been
     * sent and then closes, and waits until the pump has copied those answers to the client.
     */
    void awaitAnswers() throws IOException {
        toBackend.flush();
        backend.shutdownOutput();
        try {
            pump.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** Stops relaying (the connection is being upgraded, or is done): the client connection stays open. */
    @Override
    public void close() {
        closing = true;
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
    }

    private void pumpAnswers() {
        try (InputStream fromBackend = backend.getInputStream()) {
            OutputStream toClient = client.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = fromBackend.read(buffer)) >= 0) {
                toClient.write(buffer, 0, n);
                toClient.flush();
            }
        } catch (IOException e) {
            if (!closing) {
                LOG.log(Level.DEBUG, "relay to {0} ended: {1}", client.getRemoteSocketAddress(), e.toString());
            }
        }
        if (!closing) {
            // The backend ended the conversation: end it for the client too, which also wakes the
            // front door's thread waiting for the next request head.
            try {
                client.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the client connection: {0}", e.toString());
            }
        }
    }
}
