package callbridge.websocket;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A WebSocket client on a bare socket, for tests. It writes exactly the bytes a test gives it (frames masked
 * by {@link FrameWriter}, or deliberately broken ones) and reads the server's answer byte for byte,
 * checking on every frame what RFC 6455 demands of a server: no mask, no RSV bits, the shortest length.
 * Every read has a timeout, so a server that never answers fails the test instead of hanging the suite.
 */
final class RawClient implements AutoCloseable {
    /** RFC 6455 1.3: the sample key and the accept value the server must compute from it. */
    static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    /** The masking key of RFC 6455 5.7's examples. */
    static final byte[] RFC_MASK = Hex.bytes("37 fa 21 3d");
    /** The header lines of a valid upgrade (RFC 6455 4.1), for tests that leave one out or change it. */
    static final List<String> UPGRADE_HEADERS = List.of(
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: " + RFC_KEY,
            "Sec-WebSocket-Version: 13");
    /** Long enough for a loaded machine, short enough that a silent server fails a test quickly. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] mask = RFC_MASK;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A bare TCP connection; nothing sent yet. */
    static RawClient connect(int port) throws IOException {
        return new RawClient(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Connects and completes the opening handshake, asserting the server's exact 101 answer. */
    static RawClient open(int port, String target) throws IOException {
        return handshake(connect(port), target);
    }

    /**
     * As {@link #open}, with a receive buffer of about {@code bytes}, fixed before connecting so the kernel
     * does not grow it: a client that stops reading then backs up the server's sends quickly.
     */
    static RawClient openWithReceiveBuffer(int port, String target, int bytes) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(bytes);
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return handshake(new RawClient(socket), target);
    }

    private static RawClient handshake(RawClient client, String target) throws IOException {
        try {
            client.write(request("GET", target, UPGRADE_HEADERS));
            assertEquals(SWITCHING_PROTOCOLS, client.readHead(), "handshake answer");
            return client;
        } catch (IOException | AssertionError e) {
            client.close();
            throw e;
        }
    }

    /** RFC 6455 4.2.2 / 1.3: the answer to {@link #UPGRADE_HEADERS}, byte for byte. */
    static final String SWITCHING_PROTOCOLS = """
            HTTP/1.1 101 Switching Protocols\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Accept: %s\r
            \r
            """.formatted(RFC_ACCEPT);

    /** An HTTP/1.1 request head with a Host line and the given header lines. */
    static byte[] request(String method, String target, List<String> headerLines) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        headerLines.forEach(line -> head.append(line).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Frames sent from now on are masked with this key. */
    RawClient maskWith(byte[] maskingKey) {
        this.mask = maskingKey.clone();
        return this;
    }

    RawClient write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends the frame masked, as a client must (RFC 6455 5.3). */
    RawClient send(Frame frame) throws IOException {
        return write(FrameWriter.encode(frame, mask));
    }

    RawClient send(boolean fin, Opcode opcode, byte[] payload) throws IOException {
        return send(new Frame(fin, 0, opcode, payload));
    }

    RawClient sendText(String text) throws IOException {
        return send(Frame.of(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends a close frame with this body. */
    RawClient sendClose(byte[] body) throws IOException {
        return send(Frame.of(Opcode.CLOSE, body));
    }

    /** No more bytes from us: the server sees the end of its input. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** An HTTP answer: the head up to the empty line, then a body of Content-Length bytes. */
    HttpAnswer readHttpAnswer() throws IOException {
        String head = readHead();
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        assertEquals("HTTP/1.1", statusLine[0], head);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new HttpAnswer(Integer.parseInt(statusLine[1]), headers,
                new String(readExactly(length), StandardCharsets.UTF_8));
    }

    /** @param headers by lower-case name */
    record HttpAnswer(int status, Map<String, String> headers, String body) {
    }

    /** Bytes up to and including the empty line that ends an HTTP head. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(readExactly(1)[0]);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * One whole frame from the server, exactly as sent. Asserts what RFC 6455 5.1/5.2 demand of every
     * server frame: not masked, no RSV bits without an extension, and the length in the fewest bytes.
     */
    byte[] readFrameBytes() throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        byte[] start = readExactly(2);
        frame.writeBytes(start);
        assertEquals(0, start[0] & 0x70, () -> "RSV bits in a server frame starting " + Hex.of(start));
        assertEquals(0, start[1] & 0x80, () -> "a server frame must not be masked: " + Hex.of(start));
        long length = start[1] & 0x7F;
        if (length == 126) {
            byte[] extended = readExactly(2);
            frame.writeBytes(extended);
            length = ByteBuffer.wrap(extended).getShort() & 0xFFFF;
            assertTrue(length > 125, "16-bit length " + length + " fits the 7-bit form");
        } else if (length == 127) {
            byte[] extended = readExactly(8);
            frame.writeBytes(extended);
            length = ByteBuffer.wrap(extended).getLong();
            assertTrue(length > 0xFFFF, "64-bit length " + length + " fits the 16-bit form");
            assertTrue(length <= Integer.MAX_VALUE - 16, "absurd server frame length " + length);
        }
        frame.writeBytes(readExactly((int) length));
        return frame.toByteArray();
    }

    /** The next server frame, decoded. */
    Frame readFrame() throws IOException {
        return decodeServerFrame(readFrameBytes());
    }

    /** Decodes bytes that {@link #readFrameBytes()} checked: one unmasked frame. */
    static Frame decodeServerFrame(byte[] raw) {
        int lengthField = raw[1] & 0x7F;
        int payloadStart = lengthField == 126 ? 4 : lengthField == 127 ? 10 : 2;
        return new Frame((raw[0] & 0x80) != 0, (raw[0] >> 4) & 0x07, Opcode.of(raw[0]),
                Arrays.copyOfRange(raw, payloadStart, raw.length));
    }

    /** The next frame is a text frame carrying {@code text}, in one piece. */
    void expectText(String text) throws IOException {
        Frame frame = readFrame();
        assertEquals(Opcode.TEXT, frame.opcode());
        assertTrue(frame.fin(), "server messages are not fragmented");
        assertEquals(text, new String(frame.payload(), StandardCharsets.UTF_8));
    }

    /**
     * The server fails or closes the connection with {@code code}: a close frame with that status, then the
     * end of the TCP stream.
     */
    void expectClose(int code) throws IOException {
        expectCloseFrame(code);
        expectEndOfStream();
    }

    /** The next frame is a close frame with this status and a UTF-8 reason that fits a control frame. */
    void expectCloseFrame(int code) throws IOException {
        byte[] raw = readFrameBytes();
        Frame frame = decodeServerFrame(raw);
        assertEquals(Opcode.CLOSE, frame.opcode(), () -> "expected a close frame, got " + Hex.of(raw));
        assertTrue(frame.fin(), "close frames are never fragmented");
        assertTrue(frame.payload().length >= 2 && frame.payload().length <= 125, () -> "close body " + Hex.of(raw));
        int actual = ((frame.payload()[0] & 0xFF) << 8) | (frame.payload()[1] & 0xFF);
        assertEquals(code, actual, () -> "close code in " + Hex.of(raw));
        assertTrue(Utf8Validator.isValid(Arrays.copyOfRange(frame.payload(), 2, frame.payload().length)),
                "close reason is UTF-8");
    }

    /** The server has closed TCP: nothing more arrives, and the stream ends (not a timeout). */
    void expectEndOfStream() throws IOException {
        int next = in.read();
        if (next >= 0) {
            fail("expected the server to close the connection, but it sent byte " + Integer.toHexString(next));
        }
    }

    /** Reads until the server closes the connection; everything that arrived. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    byte[] readExactly(int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new EOFException("server closed the connection after " + bytes.length + " of " + count + " bytes");
        }
        return bytes;
    }

    /** Closes with a TCP reset instead of a FIN, as a crashed client would. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
