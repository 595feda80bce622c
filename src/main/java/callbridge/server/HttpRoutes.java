package callbridge.server;

import callbridge.http.JsonAnswers;
import callbridge.http.RequestHeadReader;
import callbridge.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The plain-HTTP side: a {@code com.sun.net.httpserver.HttpServer} on a loopback port that only the
 * {@link FrontDoor} talks to. Each exchange runs on its own virtual thread, so a long poll costs no
 * platform thread.
 */
public final class HttpRoutes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpRoutes.class.getName());

    /**
     * The JDK server's own limits and socket options, read once when its first instance is made ({@code sun.net.httpserver.ServerConfig}),
     * so they are set before that unless the command line set them.
     * <ul>
     * <li>{@code idleInterval}: a keep-alive connection with no request in progress is closed after this many
     * seconds (the JDK's default is 30), and the relay then closes the client's; each holds a place under
     * {@code MAX_CONNECTIONS} until then.
     * <li>{@code maxRspTime}: a connection whose response is still "in progress" after this many seconds is
     * closed. Unset, the JDK never reaps one; a client that pipelines tens of requests and resets the connection
     * left one such connection, and its descriptor, behind for good (measured: 20 clients, 20 descriptors).
     * The longest honest response is a {@code /generate}: up to 600 s of waiting after speaking up to 5,000
     * characters, so 20 minutes bounds the leak without cutting any answer short.
     * <li>{@code nodelay}: TCP_NODELAY on its connections. It writes a response's head and body separately;
     * with Nagle the body waited for the relay to acknowledge the head, which a reused connection delays
     * by about 40 ms: a keep-alive {@code GET /metrics} took 47-54 ms, 8-9 ms with this set (curl, two
     * requests on one connection).
     * <li>{@code maxReqHeaders}: the JDK drops a connection whose request has more header fields than this,
     * with no answer. The front door refuses such heads first with 431 ({@link RequestHeadReader#MAX_HEADER_FIELDS});
     * set from the same constant, the two can never disagree on where the limit is.
     * </ul>
     */
    private static final Map<String, String> JDK_SERVER_LIMITS = Map.of(
            "sun.net.httpserver.idleInterval", "10",
            "sun.net.httpserver.maxRspTime", "1200",
            "sun.net.httpserver.nodelay", "true",
            "sun.net.httpserver.maxReqHeaders", Integer.toString(RequestHeadReader.MAX_HEADER_FIELDS));

    private final HttpServer server;

    private HttpRoutes(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts the loopback server with {@code /health} and the given handlers.
     *
     * @param draining true once a shutdown has begun: {@code /health} then answers 503
     */
    public static HttpRoutes start(Map<String, HttpHandler> handlers, BooleanSupplier draining) throws IOException {
        JDK_SERVER_LIMITS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(Routes.HEALTH, guarded(exchange -> health(exchange, draining)));
        handlers.forEach((path, handler) -> server.createContext(path, guarded(handler)));
        server.createContext("/", guarded(exchange ->
                JsonAnswers.send(exchange, 404, Json.object("error", "no route for " + exchange.getRequestURI().getPath()))));
        server.start();
        return new HttpRoutes(server);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops; exchanges in progress get up to {@code patience} (whole seconds, as the JDK counts) to finish. */
    public void close(java.time.Duration patience) {
        server.stop((int) Math.ceil(patience.toMillis() / 1000.0));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /**
     * The prototype's answer, {@code {"status":"healthy","timestamp":<epoch seconds>}}, which its users'
     * monitors already read; 503 with {@code "draining"} once a shutdown has begun, so a load balancer
     * sends no new calls here.
     */
    private static void health(HttpExchange exchange, BooleanSupplier draining) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            JsonAnswers.send(exchange, 405, Json.object("error", "use GET"));
            return;
        }
        boolean drain = draining.getAsBoolean();
        ObjectNode status = Json.MAPPER.createObjectNode()
                .put("status", drain ? "draining" : "healthy")
                .put("timestamp", Instant.now().getEpochSecond());
        JsonAnswers.send(exchange, drain ? 503 : 200, Json.write(status));
    }

    /**
     * Turns an escaped exception into a 500 and a log line, instead of a connection the JDK drops silently.
     * An {@link IOException} is the exchange's connection failing: only the front door connects here, so a
     * client that aborted its body or left before the answer is behind it, and the front door has already
     * logged that connection's end. A client can cause it at will, so it is a TRACE line, no stack trace.
     */
    private static HttpHandler guarded(HttpHandler handler) {
        return exchange -> {
            try {
                handler.handle(exchange);
            } catch (IOException e) {
                LOG.log(Level.TRACE, "{0} {1}: connection failed: {2}", exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(), e.toString());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "handler for " + exchange.getRequestURI().getPath() + " failed", e);
                if (exchange.getResponseCode() < 0) {
                    JsonAnswers.send(exchange, 500, Json.object("error", "internal error"));
                }
            } finally {
                exchange.close();
            }
        };
    }
}
