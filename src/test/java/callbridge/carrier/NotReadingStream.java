package callbridge.carrier;

import callbridge.websocket.Handshake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A party's media stream that accepts the upgrade and then never reads another byte, written on a raw socket:
 * the one peer a WebSocket library would not let a test play. It does send: a {@code mark} and a {@code clear},
 * over and over, each of which Twilio answers (the clear echoes the mark at once), so the carrier's sends to it
 * fill the socket buffers in a moment, not after minutes of 20 ms frames.
 */
final class NotReadingStream implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");
    /** As small as the kernel allows: the carrier's sends back up at once. */
    private static final int RECEIVE_BUFFER_BYTES = 1024;

    private final ServerSocket server;
    private volatile Socket accepted;

    NotReadingStream() {
        try {
            server = new ServerSocket();
            server.setReceiveBufferSize(RECEIVE_BUFFER_BYTES); // inherited by the accepted socket
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("not-reading stream").start(this::serve);
    }

    String url() {
        return "ws://127.0.0.1:" + server.getLocalPort() + "/stream";
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            accepted = socket;
            String head = readHead(socket.getInputStream());
            Matcher key = KEY.matcher(head);
            if (!key.find()) {
                return;
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.acceptKey(key.group(1)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] markAndClear = concat(textFrame("{\"event\":\"mark\",\"streamSid\":\"MZ\",\"mark\":{\"name\":\"m\"}}"),
                    textFrame("{\"event\":\"clear\",\"streamSid\":\"MZ\"}"));
            while (true) {
                out.write(markAndClear); // until the carrier drops the connection
            }
        } catch (IOException e) {
            // the carrier hung up on us: what the test waits for
        }
    }

    /** The upgrade request's head, read byte by byte so nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the upgrade request ended early");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** RFC 6455 5.2: FIN and opcode 1, unmasked (a server's frame), a length under 126. */
    private static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket socket = accepted;
        if (socket != null) {
            socket.close();
        }
    }
}
