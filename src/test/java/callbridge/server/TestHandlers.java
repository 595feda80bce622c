package callbridge.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Backend handlers the relay tests register on the loopback HttpServer. */
final class TestHandlers {
    private TestHandlers() {
    }

    /**
     * Answers 200 with the request body, byte for byte, and an {@code X-Target} header with the request
     * target, so tests can match answers to requests. Remembers which backend connection each request came
     * on: the front door opens one backend connection per client connection, so that set counts client
     * connections too.
     */
    static final class Echo implements HttpHandler {
        final Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet();
        final AtomicInteger requests = new AtomicInteger();

        void reset() {
            connections.clear();
            requests.set(0);
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            connections.add(exchange.getRemoteAddress());
            requests.incrementAndGet();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("X-Target", exchange.getRequestURI().toString());
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Where {@link #LOCAL_PORT} is served in the tests that need the port behind the front door. */
    static final String LOCAL_PORT_PATH = "/test/local-port";

    /** Answers 200 with the port it was served on, as text: where the loopback {@code HttpServer} listens. */
    static final HttpHandler LOCAL_PORT = exchange -> {
        byte[] port = Integer.toString(exchange.getLocalAddress().getPort()).getBytes(StandardCharsets.US_ASCII);
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, port.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(port);
        }
    };

    /**
     * The port of the loopback {@code HttpServer} behind the front door on {@code publicPort}, as a handler
     * there sees it: asked once through the front door, of {@link #LOCAL_PORT} at {@link #LOCAL_PORT_PATH}.
     */
    static int backendPort(int publicPort) throws IOException {
        try (RawHttp raw = RawHttp.connect(publicPort)) {
            RawHttp.Response answer = raw.send("GET " + LOCAL_PORT_PATH + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                    .readResponse();
            if (answer.status() != 200) {
                throw new IOException("no port from " + LOCAL_PORT_PATH + ": " + answer);
            }
            return Integer.parseInt(answer.bodyText());
        }
    }

    /** Answers with a chunked body ({@code sendResponseHeaders(200, 0)}), one flush per piece. */
    static HttpHandler chunked(List<byte[]> pieces) {
        return exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (byte[] piece : pieces) {
                    out.write(piece);
                    out.flush();
                }
            }
        };
    }

    /**
     * Sends "first\n", then waits for {@link #release} before sending "second\n": shows whether the relay
     * passes an answer on as it is written or holds it back.
     */
    static final class Stream implements HttpHandler {
        volatile CountDownLatch release = new CountDownLatch(1);

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("first\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("test never released the stream");
                }
                out.write("second\n".getBytes(StandardCharsets.US_ASCII));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A long poll: holds each request for {@code hold}, then answers "held"; counts requests held at once. */
    static final class Hold implements HttpHandler {
        private final Duration hold;
        private final AtomicInteger holding = new AtomicInteger();
        final AtomicInteger mostHeldAtOnce = new AtomicInteger();

        Hold(Duration hold) {
            this.hold = hold;
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            mostHeldAtOnce.accumulateAndGet(holding.incrementAndGet(), Math::max);
            try {
                Thread.sleep(hold); // plays a deliberately slow peer: a backend that holds each request
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                holding.decrementAndGet();
            }
            byte[] body = "held".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
