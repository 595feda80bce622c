package callbridge.http;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How a handler behind the front door learns that the client of its exchange has gone away. The
 * {@code HttpServer} cannot tell: its peer is the front door's relay, not the client, and it reads nothing
 * more while a handler runs. A handler that waits long (a {@code /generate} long poll) asks here, so a
 * client that gave up does not keep holding what the handler holds for it.
 */
@FunctionalInterface
public interface ClientPresence {
    /** For handlers served without the front door: the client is never known to leave. */
    ClientPresence UNKNOWN = exchangeRemote -> new CompletableFuture<>();

    /**
     * Completes when the client of the exchange whose remote address ({@code HttpExchange.getRemoteAddress()})
     * is {@code exchangeRemote} has gone away: it closed or reset its connection, or stopped sending. The
     * caller cancels it when the exchange is over.
     */
    CompletableFuture<Void> departure(InetSocketAddress exchangeRemote);
}
