package callbridge.websocket;

import callbridge.server.CallbridgeServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * The real front door on a loopback port serving only the given WebSocket endpoints, for a test class's
 * {@code @AutoClose static} field.
 */
final class TestServers {
    private TestServers() {
    }

    static CallbridgeServer serving(Map<String, WebSocketEndpoint> endpoints, Duration idleTimeout) {
        try {
            return CallbridgeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of(),
                    endpoints, idleTimeout, 32);
        } catch (IOException e) {
            throw new UncheckedIOException("the test server did not start", e);
        }
    }
}
