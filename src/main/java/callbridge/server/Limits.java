package callbridge.server;

import java.time.Duration;
import java.util.Objects;

/**
 * What the public port lets one client hold, and for how long.
 *
 * @param maxConnections       open connections at once; more are answered 503 and closed
 * @param requestTimeout       a request must be whole, head and body, within this time of its first byte
 *                             (and a new connection must begin its first request within it); past it the
 *                             client gets 408 and the connection is closed
 * @param webSocketIdleTimeout a WebSocket with no data message for this long is closed with 1001
 * @param writeTimeout         a client that takes nothing we send for this long is dropped
 */
public record Limits(int maxConnections, Duration requestTimeout, Duration webSocketIdleTimeout, Duration writeTimeout) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Connections the kernel completes and holds for the public port while the accept thread catches up.
     * The JDK's default is 50: in a burst past it (a load test, a load balancer reconnecting, 1,000 calls
     * starting) Linux drops the extra SYNs and each such client retries after 1 s, then 3 s: with 900
     * simultaneous connects the slowest waited 2 s. Waiting here costs no thread and no descriptor, only
     * kernel memory; the connection cap ({@code MAX_CONNECTIONS}, default 1,000) still bounds what is
     * served, answering 503 past it. 4,096 covers a burst of the whole cap; Linux silently lowers it to
     * {@code net.core.somaxconn} (4,096 by default since kernel 5.4), so raise that too for more.
     */
    public static final int LISTEN_BACKLOG = 4096;

    public Limits {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(webSocketIdleTimeout, "webSocketIdleTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (maxConnections < 1 || !isPositive(requestTimeout) || !isPositive(webSocketIdleTimeout)
                || !isPositive(writeTimeout)) {
            throw new IllegalArgumentException("limits must be positive: " + this);
        }
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
