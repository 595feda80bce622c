package callbridge.websocket;


import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection that receives no data message for the idle timeout is closed by the server with 1001 Going
 * Away (pings do not count, and neither does a message that never ends); the server then waits for the
 * client's close (RFC 6455 7.1.2) at most {@code CLOSE_HANDSHAKE_TIMEOUT}.
 */
class IdleTimeoutTest {
    private static final Duration IDLE = Duration.ofMillis(300);
    private static final EchoEndpoint ECHO = new EchoEndpoint();
    @AutoClose
    private static final StandaloneServer server = TestServers.serving(Map.of("/echo", ECHO), IDLE);

    @Test
    void idle_closesWith1001_andTheClientsReplyEndsTheConnection() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo?id=idle")) {
            long start = System.nanoTime();
            client.expectCloseFrame(CloseCodes.GOING_AWAY);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(IDLE.minusMillis(50)) >= 0, "closed after only " + waited);
            client.sendClose(Hex.bytes("03 e9"));
            client.expectEndOfStream();
        }
        assertEquals(CloseCodes.GOING_AWAY, ECHO.awaitEnding("idle").code());
        assertEquals(1, ECHO.closeCalls("idle"));
    }

    /** RFC 6455 7.1.1: a peer that never answers the close is dropped after the close handshake timeout. */
    @Test
    void idle_withoutAReply_isDroppedAfterTheCloseHandshakeTimeout() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.expectCloseFrame(CloseCodes.GOING_AWAY);
            long start = System.nanoTime();
            client.expectEndOfStream();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(WebSocketConnection.CLOSE_HANDSHAKE_TIMEOUT.minusMillis(200)) >= 0,
                    "dropped after only " + waited);
        }
    }

    @Test
    void traffic_keepsTheConnectionOpenPastTheIdleTimeout() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            for (int i = 0; i < 5; i++) { // 5 x 150 ms: well past one idle timeout in total
                Thread.sleep(IDLE.dividedBy(2)); // plays a deliberately slow peer: traffic at half the idle timeout
                client.sendText("still here " + i);
                client.expectText("still here " + i);
            }
            client.expectCloseFrame(CloseCodes.GOING_AWAY);
            client.sendClose(Hex.bytes("03 e9"));
            client.expectEndOfStream();
        }
    }

    /** The finding: a client that pings and sends nothing else was never closed. Pongs come back meanwhile. */
    @Test
    void onlyPings_closedAfterTheIdleTimeout() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            long start = System.nanoTime();
            Frame answer;
            do {
                Thread.sleep(IDLE.dividedBy(10)); // plays a deliberately slow peer: pings only, far more often than the idle timeout
                client.write(Hex.bytes("89 80 37 fa 21 3d")); // an empty ping, masked
                answer = client.readFrame();
            } while (answer.opcode() == Opcode.PONG);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Opcode.CLOSE, answer.opcode());
            assertEquals(CloseCodes.GOING_AWAY, CloseFrame.parse(answer.payload()).code());
            assertTrue(waited.compareTo(IDLE.minusMillis(50)) >= 0, "closed after only " + waited);
        }
    }

    /** A data message sent a byte at a time must still be whole within the idle timeout: 1008 when it is not. */
    @Test
    void messageDribbled_closedAfterTheIdleTimeout() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            byte[] frame = FrameWriter.encode(Frame.of(Opcode.TEXT, "x".repeat(100).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    RawClient.RFC_MASK);
            long start = System.nanoTime();
            Thread dribbler = Thread.ofVirtual().start(() -> {
                try {
                    for (byte b : frame) {
                        Thread.sleep(IDLE.dividedBy(10)); // plays a deliberately slow peer: the attacker's pace, inside any per-read timeout
                        client.write(new byte[] {b});
                    }
                } catch (java.io.IOException | InterruptedException e) {
                    // closed by the server, as expected
                }
            });
            try {
                client.expectCloseFrame(CloseCodes.POLICY_VIOLATION);
            } finally {
                dribbler.interrupt();
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(IDLE.multipliedBy(3)) < 0, "closed only after " + waited);
        }
    }

    /**
     * Once the server has sent its close it sends nothing else (RFC 6455 5.5.1): a message or ping that
     * crosses the close on the wire is discarded, and the client's close ends the connection.
     */
    @Test
    void afterTheServersClose_dataAndPingsAreNotAnswered() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.expectCloseFrame(CloseCodes.GOING_AWAY);
            client.sendText("late");
            client.send(Frame.of(Opcode.PING, new byte[] {1}));
            client.sendClose(Hex.bytes("03 e9"));
            client.expectEndOfStream();
        }
    }
}
