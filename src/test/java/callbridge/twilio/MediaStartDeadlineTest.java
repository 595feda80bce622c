package callbridge.twilio;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import callbridge.websocket.Frame;
import callbridge.websocket.FrameWriter;
import callbridge.websocket.Opcode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The finding: a WebSocket that never sent {@code start} but pinged every 5 s was never closed. A media
 * stream must start within {@link MediaStreamEndpoint#START_TIMEOUT}; the three shapes run side by side.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MediaStartDeadlineTest {
    private static final byte[] MASK = {1, 2, 3, 4};

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void noStart_silentOrConnectedOnlyOrPinging_closedWith1008AfterTheStartTimeout() throws Exception {
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        CompletableFuture<Duration> silent = CompletableFuture.supplyAsync(() -> closeAfter(false, false), threads);
        CompletableFuture<Duration> connectedOnly = CompletableFuture.supplyAsync(() -> closeAfter(true, false), threads);
        CompletableFuture<Duration> pinging = CompletableFuture.supplyAsync(() -> closeAfter(true, true), threads);
        for (CompletableFuture<Duration> stream : java.util.List.of(silent, connectedOnly, pinging)) {
            Duration waited = stream.get(20, TimeUnit.SECONDS);
            assertTrue(waited.compareTo(MediaStreamEndpoint.START_TIMEOUT.minusMillis(100)) >= 0, "closed after only " + waited);
            assertTrue(waited.compareTo(MediaStreamEndpoint.START_TIMEOUT.plusSeconds(3)) < 0, "closed only after " + waited);
        }
        assertEquals(0, server.calls().size());
    }

    /**
     * A connection that sends messages but no start is failed at once (RFC 6455 7.1.7): the close frame,
     * then the end of TCP without waiting for our answer, so a client opening such connections in a loop
     * cannot hold each for the closing handshake's 2 s. The 1 s read timeout is far above the
     * milliseconds this takes and below the handshake it must not wait for.
     */
    @Test
    void messagesInsteadOfStart_closedAtOnce_withoutWaitingForTheHandshake() throws Exception {
        try (Socket socket = upgraded()) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            byte[] junk = FrameWriter.encode(Frame.of(Opcode.TEXT, "{\"event\":\"junk\"}".getBytes(StandardCharsets.UTF_8)), MASK);
            for (int i = 0; i <= MediaStreamListener.MAX_MESSAGES_BEFORE_START; i++) {
                out.write(junk);
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(0x88, in.readUnsignedByte(), "a close frame");
            byte[] payload = in.readNBytes(in.readUnsignedByte());
            assertEquals(1008, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
            assertEquals(-1, in.read(), "the server closed TCP without waiting for our close frame");
        }
        assertEquals(0, server.calls().size());
    }

    /** A raw socket upgraded to a WebSocket on a stream URL the webhook handed out, for a call of its own. */
    private Socket upgraded() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String path = server.twilio().local(server.twilio().webhook(FakeTwilioCall.newCallSid()).url()).getRawPath();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = "";
        while (!head.endsWith("\r\n\r\n")) {
            head += (char) in.readUnsignedByte();
        }
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        return socket;
    }

    /** Upgrades, optionally sends {@code connected} and pings, and returns when the 1008 close frame came. */
    private Duration closeAfter(boolean connected, boolean ping) {
        try (Socket socket = upgraded()) {
            socket.setSoTimeout(ping ? 500 : 15_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            long start = System.nanoTime();
            if (connected) {
                out.write(FrameWriter.encode(Frame.of(Opcode.TEXT, TwilioMessages.connected().getBytes(StandardCharsets.UTF_8)), MASK));
            }
            boolean pingDue = ping;
            while (true) {
                if (pingDue) {
                    out.write(FrameWriter.encode(Frame.of(Opcode.PING, new byte[0]), MASK));
                    pingDue = false;
                }
                int first;
                try {
                    first = in.readUnsignedByte();
                } catch (java.net.SocketTimeoutException quiet) {
                    pingDue = true; // a ping every half second: a keep-alive, not a flood (frames are metered)
                    continue;
                }
                int length = in.readUnsignedByte();
                byte[] payload = in.readNBytes(length);
                if (first == 0x8A) {
                    continue; // our ping's pong
                }
                assertEquals(0x88, first, "a close frame");
                assertEquals(1008, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
                return Duration.ofNanos(System.nanoTime() - start);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
