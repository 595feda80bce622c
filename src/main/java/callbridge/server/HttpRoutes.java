package callbridge.server;

import callbridge.http.JsonAnswers;
import callbridge.http.RequestHeadReader;
import callbridge.json.Json;
import callbridge.logging.LogText;
import callbridge.logging.RateLimitedLog;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The plain-HTTP side: a {@code com.sun.net.httpserver.HttpServer} on a loopback port that only the
 * {@link FrontDoor} talks to (any other local process is refused, see {@link #start(Map, BooleanSupplier, Predicate)}).
 * Each exchange runs on its own virtual thread, so a long poll costs no platform thread.
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

    private static final String NOT_THROUGH_FRONT_DOOR = "only the front door may send requests here";

    private final HttpServer server;
    private final ExchangesInProgress inProgress;

    private HttpRoutes(HttpServer server, ExchangesInProgress inProgress) {
        this.server = server;
        this.inProgress = inProgress;
    }

    /**
     * Starts the loopback server with {@code /health} and the given handlers, serving only the connections
     * {@code fromFrontDoor} admits. The front door bounds what a client may hold (connections, head size and
     * fields, request deadline); a loopback port is reachable by every process on the machine, so a request
     * that did not come through a relay is answered 403 before any handler sees it. The relay registers its
     * connection's address before it sends a byte ({@link RelayDepartures}), so this check has no race.
     *
     * @param draining          true once a drain or a shutdown has begun: {@code /health} then answers 404
     * @param fromFrontDoor     true for the remote address of a connection the front door's relay opened
     * @param answerHeaders     added to every answer
     * @param mediaReadsRunning false once a thread that reads media streams has died: {@code /health} then fails
     */
    public static HttpRoutes start(Map<String, HttpHandler> handlers, BooleanSupplier draining,
                                   Predicate<InetSocketAddress> fromFrontDoor, Map<String, String> answerHeaders,
                                   BooleanSupplier mediaReadsRunning) throws IOException {
        JDK_SERVER_LIMITS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        ExchangesInProgress inProgress = new ExchangesInProgress();
        Guard guard = new Guard(fromFrontDoor, inProgress, Map.copyOf(answerHeaders));
        server.createContext(Routes.HEALTH, guard.around(exchange -> health(exchange, draining, mediaReadsRunning)));
        server.createContext(Routes.LIVENESS, guard.around(exchange -> liveness(exchange, draining, mediaReadsRunning)));
        handlers.forEach((path, handler) -> server.createContext(path, guard.around(handler)));
        server.createContext("/", guard.around(exchange ->
                JsonAnswers.send(exchange, 404, Json.object("error", "no route for " + exchange.getRequestURI().getPath()))));
        server.start();
        return new HttpRoutes(server, inProgress);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops: handlers still running get up to {@code patience} to finish, then every connection is closed.
     * The wait is for our own count of running handlers, not the JDK's {@code stop(delay)}: the JDK counts an
     * exchange as over only once its response is complete, so a handler that gives up without answering
     * (its client left) left the count above zero and every shutdown waited the whole delay; and the JDK
     * takes the delay in whole seconds, which rounded a shutdown's last fraction of a second up past its grace.
     */
    public void close(Duration patience) {
        inProgress.awaitNone(patience);
        server.stop(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /**
     * Whether to send this instance new calls. The prototype's answer, {@code {"status":"healthy","timestamp":
     * <epoch seconds>}}, which its users' monitors already read. 404 with {@code "draining"} once a drain or a
     * shutdown has begun: HAProxy's {@code http-check disable-on-404} then sends no new calls here but keeps
     * the calls already here on it, where a 5xx would mark the instance down and move them. 503 when a
     * thread that reads media streams has died.
     */
    private static void health(HttpExchange exchange, BooleanSupplier draining, BooleanSupplier mediaReadsRunning)
            throws IOException {
        if (!isGet(exchange)) {
            return;
        }
        boolean drain = draining.getAsBoolean();
        // A dead frame-reading thread leaves its streams unread while everything else answers: not healthy.
        boolean readsStopped = !mediaReadsRunning.getAsBoolean();
        String status = drain ? "draining" : readsStopped ? "media streams not read" : "healthy";
        sendStatus(exchange, drain ? 404 : readsStopped ? 503 : 200, status);
    }

    /**
     * Whether the process works, for an orchestrator's liveness probe: 200 also while it drains (restarting
     * it then would cut the calls the drain keeps), 503 only when a thread that reads media streams has died.
     */
    private static void liveness(HttpExchange exchange, BooleanSupplier draining, BooleanSupplier mediaReadsRunning)
            throws IOException {
        if (!isGet(exchange)) {
            return;
        }
        boolean readsStopped = !mediaReadsRunning.getAsBoolean();
        String status = readsStopped ? "media streams not read" : draining.getAsBoolean() ? "draining" : "alive";
        sendStatus(exchange, readsStopped ? 503 : 200, status);
    }

    /** True for a GET; anything else is answered 405 here. */
    private static boolean isGet(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("GET")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET");
        JsonAnswers.send(exchange, 405, Json.object("error", "use GET"));
        return false;
    }

    private static void sendStatus(HttpExchange exchange, int code, String status) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("status", status)
                .put("timestamp", Instant.now().getEpochSecond());
        JsonAnswers.send(exchange, code, Json.write(body));
    }

    /**
     * What runs around every handler: refuses a request that did not come through the front door, counts
     * the handler while it runs, and turns an escaped exception into a 500 and a log line, instead of a
     * connection the JDK drops silently. An {@link IOException} is the exchange's connection failing: only the
     * front door connects here, so a client that aborted its body or left before the answer is behind it, and
     * the front door has already logged that connection's end. A client can cause it at will, so it is a
     * TRACE line, no stack trace.
     */
    private record Guard(Predicate<InetSocketAddress> fromFrontDoor, ExchangesInProgress inProgress,
                         Map<String, String> answerHeaders, RateLimitedLog refused) {
        /**
         * Refusals are DEBUG: a request whose client left before the HttpServer got to it has no relay any
         * more either, and looks just like one from another process; neither can be answered usefully.
         */
        Guard(Predicate<InetSocketAddress> fromFrontDoor, ExchangesInProgress inProgress, Map<String, String> answerHeaders) {
            this(fromFrontDoor, inProgress, answerHeaders, RateLimitedLog.of(LOG, Level.DEBUG));
        }

        HttpHandler around(HttpHandler handler) {
            return exchange -> {
                inProgress.begin();
                try {
                    answerHeaders.forEach(exchange.getResponseHeaders()::set);
                    if (fromFrontDoor.test(exchange.getRemoteAddress())) {
                        handle(handler, exchange);
                    } else {
                        refuse(exchange);
                    }
                } finally {
                    exchange.close();
                    inProgress.end();
                }
            };
        }

        private static void handle(HttpHandler handler, HttpExchange exchange) throws IOException {
            try {
                handler.handle(exchange);
            } catch (IOException e) {
                LOG.log(Level.TRACE, "{0} {1}: connection failed: {2}", exchange.getRequestMethod(),
                        LogText.quote(exchange.getRequestURI().getRawPath()), e.toString());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "handler for " + LogText.quote(exchange.getRequestURI().getRawPath()) + " failed", e);
                if (exchange.getResponseCode() < 0) {
                    JsonAnswers.send(exchange, 500, Json.object("error", "internal error"));
                }
            }
        }

        private void refuse(HttpExchange exchange) throws IOException {
            refused.log("refused (403) a request from {0}: not from an open front-door relay (another local process, "
                            + "or a client that had already left)",
                    exchange.getRemoteAddress());
            exchange.getResponseHeaders().set("Connection", "close");
            JsonAnswers.send(exchange, 403, Json.object("error", NOT_THROUGH_FRONT_DOOR));
        }
    }

    /** Handlers running now, so that {@link #close(Duration)} can wait for them and no longer. */
    private static final class ExchangesInProgress {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition none = lock.newCondition();
        private int running;

        void begin() {
            lock.lock();
            try {
                running++;
            } finally {
                lock.unlock();
            }
        }

        void end() {
            lock.lock();
            try {
                if (--running == 0) {
                    none.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        void awaitNone(Duration timeout) {
            long nanos = timeout.toNanos();
            lock.lock();
            try {
                while (running > 0 && nanos > 0) {
                    nanos = none.awaitNanos(nanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }
    }
}
