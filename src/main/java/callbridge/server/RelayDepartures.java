package callbridge.server;

import callbridge.http.ClientPresence;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The open relays, by the loopback address of their connection to the {@code HttpServer}: that is the
 * remote address a handler sees on its exchange, so a handler can find the relay of its client and learn
 * when that client goes away, and the loopback server can tell the front door's connections from any other.
 */
public final class RelayDepartures implements ClientPresence {
    private final ConcurrentMap<SocketAddress, HttpRelay> relays = new ConcurrentHashMap<>();

    /**
     * An exchange whose relay is no longer registered has lost its client already (every relayed request
     * comes through a relay registered before it sent a byte), so its departure is complete at once.
     */
    @Override
    public CompletableFuture<Void> departure(InetSocketAddress exchangeRemote) {
        HttpRelay relay = relays.get(exchangeRemote);
        return relay == null ? CompletableFuture.completedFuture(null) : relay.departure();
    }

    /** True when {@code exchangeRemote} is the loopback end of an open relay: the request came through the front door. */
    boolean isRelay(InetSocketAddress exchangeRemote) {
        return relays.containsKey(exchangeRemote);
    }

    void register(SocketAddress backendLocal, HttpRelay relay) {
        relays.put(backendLocal, relay);
    }

    void unregister(SocketAddress backendLocal, HttpRelay relay) {
        relays.remove(backendLocal, relay);
    }
}
