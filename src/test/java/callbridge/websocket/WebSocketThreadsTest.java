package callbridge.websocket;

import callbridge.server.CallbridgeServer;
import callbridge.server.Limits;
import callbridge.server.RelayDepartures;
import callbridge.server.ServerThreads;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The threads a server's WebSockets share belong to whoever made them: they serve the connections while
 * they run, and stop when told, leaving no connection waiting for a read side that is gone.
 */
class WebSocketThreadsTest {
    private static CallbridgeServer serve(EchoEndpoint echo, ServerThreads threads) throws Exception {
        return CallbridgeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of(),
                Map.of("/echo", echo), new Limits(32, Limits.DEFAULT_REQUEST_TIMEOUT, Duration.ofSeconds(10), Limits.DEFAULT_WRITE_TIMEOUT), new RelayDepartures(), Map.of(), threads);
    }

    @Test
    void close_afterTheServer_endsEveryThread() throws Exception {
        ServerThreads threads = ServerThreads.start();
        try (CallbridgeServer server = serve(new EchoEndpoint(), threads);
             RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendText("hola");
            client.expectText("hola");
            assertTrue(threads.webSockets().readThreadsRunning());
        }
        threads.close();
        assertFalse(threads.webSockets().readThreadsRunning(), "every read thread has ended");
        threads.close(); // again: nothing left to stop
    }

    @Test
    void close_whileAConnectionIsRead_dropsIt_andItsEndIsHeard() throws Exception {
        EchoEndpoint echo = new EchoEndpoint();
        ServerThreads threads = ServerThreads.start();
        try (CallbridgeServer server = serve(echo, threads);
             RawClient client = RawClient.open(server.port(), "/echo?id=left")) {
            client.sendText("hola");
            client.expectText("hola");
            threads.close();
            assertEquals(0, client.readToEnd().length, "dropped: no close frame, the stream just ends");
            assertEquals(CloseCodes.ABNORMAL, echo.awaitEnding("left").code(), "the endpoint heard the end");
        }
    }
}
