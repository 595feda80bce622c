package callbridge.websocket;


import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One selector thread reads many connections ({@link ReadSelector}), so nothing one peer does may hold that
 * thread: here a peer that pings without ever reading, until its pongs back up on the server.
 */
class ReadSelectorTest {
    /**
     * 200,000 pings of 131 bytes. Once they are all written the server has read at least all but what the
     * socket buffers hold (tens of MiB at most), and owes far more pongs than its send buffer (at most
     * 4 MiB here) and the deaf peer's 4 KiB take.
     */
    private static final int PINGS = 200_000;
    private static final int PINGS_PER_WRITE = 1_000;
    private static final Duration PINGING_TIME = Duration.ofSeconds(30);

    @AutoClose
    private static final StandaloneServer server = TestServers.serving(Map.of("/echo", new EchoEndpoint()), Duration.ofSeconds(10));

    /**
     * An unfinished frame waits in a buffer of its own, sized from what the decoder still needs: the pieces
     * here (1 to 7 bytes) split headers, lengths, masking keys and payloads at every place, and the frame
     * after a trickled one must come out whole too.
     */
    @Test
    void aLargeMessageTrickledInSmallPieces_arrivesWhole_andSoDoesTheOneAfterIt() throws Exception {
        String large = "trickled ".repeat(6_000); // 54,000 bytes, under the 64 KiB message limit
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.writeBytes(FrameWriter.encode(Frame.of(Opcode.TEXT, large.getBytes(StandardCharsets.UTF_8)), RawClient.RFC_MASK));
        frames.writeBytes(FrameWriter.encode(Frame.of(Opcode.TEXT, "next".getBytes(StandardCharsets.UTF_8)), RawClient.RFC_MASK));
        byte[] bytes = frames.toByteArray();
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            for (int at = 0, piece = 1; at < bytes.length; at += piece, piece = piece % 7 + 1) {
                client.write(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + piece)));
            }
            client.expectText(large);
            client.expectText("next");
        }
    }

    @Test
    void peerThatPingsButNeverReads_holdsUpNoOtherConnection() throws Exception {
        byte[] ping = FrameWriter.encode(Frame.of(Opcode.PING, FrameWriterTest.pattern(125)), RawClient.RFC_MASK);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < PINGS_PER_WRITE; i++) {
            batch.writeBytes(ping);
        }
        byte[] pings = batch.toByteArray();
        try (RawClient deaf = RawClient.openWithReceiveBuffer(server.port(), "/echo", 4096);
             ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
            // Written from another thread: a server whose selector thread waited on the pongs would stop
            // reading, and the writes would block; the wait below then fails instead of hanging.
            // The flood passes the peer's frame budget, so the server also closes it (1008) and the writes
            // end in a reset: that is the budget at work, and the other connections must be served either way.
            Future<?> pinging = writer.submit(() -> {
                try {
                    for (int i = 0; i < PINGS / PINGS_PER_WRITE; i++) {
                        deaf.write(pings);
                    }
                } catch (java.io.IOException closedForItsFlood) {
                    return null;
                }
                return null;
            });
            pinging.get(PINGING_TIME.toSeconds(), TimeUnit.SECONDS);
            // Connections go to the selector threads in turn, so one more than there are threads shares the
            // deaf peer's. Its pongs wait for the write deadline (10 s), longer than a probe waits for its echo.
            for (int i = 0; i <= Runtime.getRuntime().availableProcessors(); i++) {
                try (RawClient probe = RawClient.open(server.port(), "/echo")) {
                    probe.sendText("still served " + i);
                    probe.expectText("still served " + i);
                }
            }
            deaf.abort();
        }
    }

    /**
     * An {@link Error} thrown while one connection's frames are handled (a stand-in here for an
     * OutOfMemoryError) drops that connection only: the thread that reads it reads every other one too,
     * so it must go on. Several connections, so each selector thread meets one.
     */
    @Test
    void anErrorInOneConnectionsHandling_dropsIt_andTheThreadGoesOn() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < threads; i++) {
            try (RawClient doomed = RawClient.open(failing.port(), "/fail")) {
                doomed.sendText("throw");
                doomed.readToEnd(); // dropped: the stream ends, with no close handshake
            }
        }
        for (int i = 0; i <= threads; i++) {
            try (RawClient probe = RawClient.open(failing.port(), "/echo")) {
                probe.sendText("still served " + i);
                probe.expectText("still served " + i);
            }
        }
        // Every read thread still runs: the server's /health says so (it answers 503 when one has died).
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + failing.port()
                    + "/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
        }
    }

    @AutoClose
    private static final StandaloneServer failing = TestServers.serving(Map.of("/echo", new EchoEndpoint(),
            "/fail", (connection, request) -> new WebSocketListener() {
                @Override
                public void onText(WebSocketConnection ws, String message) {
                    throw new StackOverflowError("a listener that fails with an Error");
                }

                @Override
                public void onClose(WebSocketConnection ws, CloseFrame status) {
                }
            }), Duration.ofSeconds(10));
}
