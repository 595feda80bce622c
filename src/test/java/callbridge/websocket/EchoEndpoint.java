package callbridge.websocket;

import callbridge.http.RequestHead;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test endpoint that sends every text message straight back. It records how each connection ended, keyed
 * by the {@code id} query parameter of the upgrade ({@code /echo?id=7}), and which threads served it, so
 * tests can check {@link WebSocketListener#onClose} and that no thread outlives its connection.
 */
final class EchoEndpoint implements WebSocketEndpoint {
    private final Map<String, CompletableFuture<CloseFrame>> endings = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> closeCalls = new ConcurrentHashMap<>();
    private final Set<Thread> connectionThreads = ConcurrentHashMap.newKeySet();

    @Override
    public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
        connectionThreads.add(Thread.currentThread());
        String id = idOf(request.target());
        CompletableFuture<CloseFrame> ending = ending(id);
        AtomicInteger calls = closeCalls.computeIfAbsent(id, key -> new AtomicInteger());
        return new WebSocketListener() {
            @Override
            public void onText(WebSocketConnection ws, String message) {
                try {
                    ws.sendText(message);
                } catch (IOException e) {
                    // The connection is closing or gone; its read loop ends it.
                }
            }

            @Override
            public void onClose(WebSocketConnection ws, CloseFrame status) {
                calls.incrementAndGet();
                ending.complete(status);
            }
        };
    }

    /** How the connection opened with {@code ?id=id} ended, waiting for it a few seconds. */
    CloseFrame awaitEnding(String id) throws InterruptedException, ExecutionException, TimeoutException {
        return ending(id).get(RawClient.READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How often {@code onClose} was called for the connection with this id. */
    int closeCalls(String id) {
        AtomicInteger calls = closeCalls.get(id);
        return calls == null ? 0 : calls.get();
    }

    /** Every thread that ran a connection of this endpoint so far. */
    List<Thread> connectionThreads() {
        return List.copyOf(connectionThreads);
    }

    private CompletableFuture<CloseFrame> ending(String id) {
        return endings.computeIfAbsent(id, key -> new CompletableFuture<>());
    }

    private static String idOf(String target) {
        int at = target.indexOf("id=");
        return at < 0 ? "" : target.substring(at + 3);
    }
}
