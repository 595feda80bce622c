package callbridge.websocket;

import callbridge.http.RequestHead;
import callbridge.testing.StandaloneServer;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sends from many threads at once, which {@link WebSocketConnection} allows: frames must never interleave,
 * and nothing may follow the close frame (RFC 6455 5.5.1).
 */
class ConcurrentSendTest {
    private static final int THREADS = 8;
    private static final int MESSAGES_PER_THREAD = 48;
    /** Lengths on both sides of the 7-bit, 16-bit and 64-bit length forms. */
    private static final int[] SIZES = {0, 1, 125, 126, 1000, 65535, 65536, 70000};

    private static final int RACE_ROUNDS = 30;
    /** Large, so that encoding it takes a while: time in which a racing close can slip in. */
    private static final String FLOOD_MESSAGE = "f".repeat(32 * 1024);

    @AutoClose
    private static final StandaloneServer server = TestServers.serving(Map.of("/fan-out", new FanOutEndpoint(), "/flood", new FloodEndpoint()), Duration.ofSeconds(10));

    @Test
    void sendsFromManyThreads_arriveAsWholeFramesInPerThreadOrder() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/fan-out")) {
            client.sendText("go");
            int[] nextPerThread = new int[THREADS];
            for (int received = 0; received < THREADS * MESSAGES_PER_THREAD; received++) {
                Frame frame = client.readFrame(); // asserts unmasked, no RSV, shortest length
                assertEquals(Opcode.TEXT, frame.opcode());
                assertTrue(frame.fin());
                String text = new String(frame.payload(), StandardCharsets.UTF_8);
                String[] parts = text.split(":", 3);
                int thread = Integer.parseInt(parts[0]);
                int index = Integer.parseInt(parts[1]);
                assertEquals(nextPerThread[thread], index, "thread " + thread + " messages in order");
                assertEquals(message(thread, index), text, "message " + thread + ":" + index);
                nextPerThread[thread]++;
            }
            client.sendClose(Hex.bytes("03 e8"));
            assertEquals("88 02 03 e8", Hex.of(client.readFrameBytes()));
            client.expectEndOfStream();
        }
    }

    /**
     * Threads send without pause while the server closes (as on a hang-up or at shutdown): the close frame
     * must be the last frame. A send that passed its "not closing" check just before the close frame went
     * out must not slip in behind it; the server waits for the client's close, so such a frame would show.
     * It is a race, so there are many rounds; without the fix it showed within the first few.
     */
    @Test
    void sendsRacingTheServersClose_neverFollowTheCloseFrame() throws Exception {
        for (int round = 0; round < RACE_ROUNDS; round++) {
            try (RawClient client = RawClient.open(server.port(), "/flood")) {
                readFloodThenTheClose(client, () -> client.sendText("close"));
                client.sendClose(Hex.bytes("03 e8"));
                assertNothingAfterTheClose(client, round);
            }
        }
    }

    /** The same when the client closes; the server closes TCP right after its reply. */
    @Test
    void sendsRacingTheClientsClose_neverFollowTheCloseFrame() throws Exception {
        for (int round = 0; round < RACE_ROUNDS / 4; round++) {
            try (RawClient client = RawClient.open(server.port(), "/flood")) {
                readFloodThenTheClose(client, () -> client.sendClose(Hex.bytes("03 e8")));
                assertNothingAfterTheClose(client, round);
            }
        }
    }

    /** Reads a few flood messages, makes {@code close} happen, reads on to the close frame. */
    private static void readFloodThenTheClose(RawClient client, IoAction close) throws IOException {
        for (int i = 0; i < 20; i++) {
            assertEquals(Opcode.TEXT, client.readFrame().opcode());
        }
        close.run();
        Frame frame;
        do {
            frame = client.readFrame(); // whole frames only, whatever the threads do
        } while (frame.opcode() == Opcode.TEXT);
        assertEquals(Opcode.CLOSE, frame.opcode());
        assertEquals("03 e8", Hex.of(Arrays.copyOf(frame.payload(), 2)));
    }

    private static void assertNothingAfterTheClose(RawClient client, int round) throws IOException {
        byte[] after = client.readToEnd();
        assertEquals(0, after.length, () -> "round " + round + ": " + after.length + " bytes after the close frame, "
                + "starting " + Hex.of(Arrays.copyOf(after, Math.min(after.length, 8))));
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    static String message(int thread, int index) {
        return thread + ":" + index + ":" + "x".repeat(SIZES[(thread + index) % SIZES.length]);
    }

    /** On any message, {@link #THREADS} threads released together each send {@link #MESSAGES_PER_THREAD}. */
    private static final class FanOutEndpoint implements WebSocketEndpoint {
        @Override
        public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
            return new WebSocketListener() {
                @Override
                public void onText(WebSocketConnection ws, String message) {
                    CountDownLatch start = new CountDownLatch(1);
                    for (int t = 0; t < THREADS; t++) {
                        int thread = t;
                        Thread.ofPlatform().name("fan-out " + t).start(() -> {
                            try {
                                start.await();
                                for (int i = 0; i < MESSAGES_PER_THREAD; i++) {
                                    ws.sendText(message(thread, i));
                                }
                            } catch (IOException | InterruptedException e) {
                                // the test fails on the missing messages
                            }
                        });
                    }
                    start.countDown();
                }

                @Override
                public void onClose(WebSocketConnection ws, CloseFrame status) {
                }
            };
        }
    }

    /**
     * From the moment it opens, four threads send small messages until sending fails; the message
     * "close" makes it close the connection with 1000.
     */
    private static final class FloodEndpoint implements WebSocketEndpoint {
        @Override
        public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
            for (int t = 0; t < 4; t++) {
                Thread.ofPlatform().name("flood " + t).start(() -> {
                    try {
                        while (true) {
                            connection.sendText(FLOOD_MESSAGE);
                        }
                    } catch (IOException e) {
                        // closing or closed: done
                    }
                });
            }
            return new WebSocketListener() {
                @Override
                public void onText(WebSocketConnection ws, String message) {
                    if (message.equals("close")) {
                        ws.close(CloseCodes.NORMAL, "done");
                    }
                }

                @Override
                public void onClose(WebSocketConnection ws, CloseFrame status) {
                }
            };
        }
    }
}
