package callbridge.server;

import callbridge.http.WriteDeadlines;
import callbridge.websocket.WebSocketThreads;

/**
 * The threads a server's connections share: those that read and watch its WebSockets, and the timer that
 * keeps its relays' write deadlines. The composition root makes them, hands them to the server
 * ({@link CallbridgeServer#start(java.net.InetSocketAddress, java.util.Map, java.util.Map, Limits,
 * RelayDepartures, java.util.Map, ServerThreads)}) and stops them once the server is closed.
 */
public record ServerThreads(WebSocketThreads webSockets, WriteDeadlines writeDeadlines) implements AutoCloseable {
    public static ServerThreads start() {
        WriteDeadlines writeDeadlines = WriteDeadlines.start();
        try {
            return new ServerThreads(WebSocketThreads.start(), writeDeadlines);
        } catch (RuntimeException e) {
            writeDeadlines.close();
            throw e;
        }
    }

    /** Stops them all: for once the server they serve has closed. Idempotent. */
    @Override
    public void close() {
        webSockets.close();
        writeDeadlines.close();
    }
}
