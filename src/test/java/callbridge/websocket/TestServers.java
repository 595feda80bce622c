package callbridge.websocket;



import callbridge.testing.StandaloneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * The real front door on a loopback port serving only the given WebSocket endpoints, for a test class's
 * {@code @AutoClose static} field.
 */
final class TestServers {
    private TestServers() {
    }

    static StandaloneServer serving(Map<String, WebSocketEndpoint> endpoints, Duration idleTimeout) {
        try {
            return StandaloneServer.start(Map.of(),
                    endpoints, idleTimeout, 32);
        } catch (IOException e) {
            throw new UncheckedIOException("the test server did not start", e);
        }
    }
}
