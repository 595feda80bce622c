package callbridge.testing;

import callbridge.twilio.TwilioMessages;
import callbridge.websocket.Frame;
import callbridge.websocket.FrameWriter;
import callbridge.websocket.Opcode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A Twilio media stream on a bare socket whose peer stops reading: it upgrades, sends {@code connected} and
 * {@code start}, waits for the first byte the server sends into the call, and then reads nothing more. Its
 * receive buffer is kept small, so the server's sends soon block, as they would on a peer that hung.
 */
public final class DeafTwilioPeer implements AutoCloseable {
    private static final byte[] MASK = {0x12, 0x34, 0x56, 0x78};
    private static final int RECEIVE_BUFFER = 4096;
    /** How long the send queue must stay unchanged, at or above the mark, to count as stuck. */
    private static final Duration STUCK_FOR = Duration.ofMillis(100);

    private final Socket socket;
    private final String callSid;

    private DeafTwilioPeer(Socket socket, String callSid) {
        this.socket = socket;
        this.callSid = callSid;
    }

    /** Asks the webhook on {@code port} for a new call's stream, opens it and starts the call. */
    public static DeafTwilioPeer start(int port, Duration timeout) throws IOException {
        String callSid = FakeTwilioCall.newCallSid();
        TwilioDialer dialer = TwilioDialer.loopback(port);
        String path = dialer.local(dialer.webhook(callSid).url()).getRawPath();
        Socket socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER); // before connecting, so the window stays small
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        readHead(socket.getInputStream());
        send(out, TwilioMessages.connected());
        send(out, TwilioMessages.start(1, FakeTwilioCall.newStreamSid(), callSid, FakeTwilioCall.ACCOUNT_SID, Map.of()));
        return new DeafTwilioPeer(socket, callSid);
    }

    public String callSid() {
        return callSid;
    }

    /**
     * Waits until the server is stuck sending to this peer: its send queue towards us holds at least
     * {@code queued} bytes and has not changed for {@link #STUCK_FOR}, or the server has already dropped
     * the connection for not reading. The queue is the kernel's ({@code /proc/net/tcp}), which signals
     * nothing when it changes: polled through {@link Await}.
     */
    public void awaitServerStuck(int serverPort, long queued, Duration timeout) throws InterruptedException {
        long[] last = {-2};
        long[] unchangedSince = {System.nanoTime()};
        try {
            Await.until("the server stuck sending to " + callSid, timeout, () -> {
                long now = OpenSockets.sendQueue(serverPort, socket.getLocalPort());
                if (now < 0) {
                    return true; // stuck so long already that the server dropped us (its write timeout)
                }
                if (now != last[0]) {
                    last[0] = now;
                    unchangedSince[0] = System.nanoTime();
                    return false;
                }
                return now >= queued && System.nanoTime() - unchangedSince[0] >= STUCK_FOR.toNanos();
            });
        } catch (AssertionError e) {
            throw new AssertionError("the server's send queue to " + callSid + " holds " + last[0] + " bytes", e);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(FrameWriter.encode(Frame.of(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)), MASK));
        out.flush();
    }

    /** Reads the 101 answer up to its empty line, one byte at a time so nothing after it is consumed. */
    private static void readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101 ")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
