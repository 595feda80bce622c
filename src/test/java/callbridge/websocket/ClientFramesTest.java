package callbridge.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client's frames on bytes: it reads the server's unmasked frames (RFC 6455 5.7) and refuses masked
 * ones (5.1); everything it sends is masked (5.3), read back here as a server reads it; ping, close and
 * a protocol error follow 5.5 and 7.1, over a raw loopback socket standing in for the server.
 */
class ClientFramesTest {
    private static final int LIMIT = WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES;

    /** RFC 6455 5.7: the unmasked examples a server sends. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unmasked text  | 81 05 48 65 6c 6c 6f | TEXT | Hello
            unmasked ping  | 89 05 48 65 6c 6c 6f | PING | Hello
            """)
    void serverFrames_rfcUnmaskedExamples(String name, String hex, Opcode opcode, String text) throws Exception {
        Frame frame = FrameReader.ofServerFrames(new ByteArrayInputStream(Hex.bytes(hex)), LIMIT).read();
        assertEquals(opcode, frame.opcode(), name);
        assertEquals(text, new String(frame.payload(), StandardCharsets.UTF_8), name);
    }

    @Test
    void serverFrames_masked_is1002() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameReader.ofServerFrames(
                new ByteArrayInputStream(Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58")), LIMIT).read());
        assertEquals(CloseCodes.PROTOCOL_ERROR, e.closeCode());
    }

    @Test
    void sendText_isMaskedWithAFreshKeyAndReadsBackAsAServerReadsIt() throws Exception {
        try (Loopback loop = Loopback.open()) {
            loop.client.sendText("Hello");
            loop.client.sendText("Hello");
            byte[] first = loop.serverIn.readNBytes(11);
            byte[] second = loop.serverIn.readNBytes(11);
            assertEquals(0x85, first[1] & 0xFF, "MASK bit and length 5");
            assertEquals("Hello", new String(clientFrames(new ByteArrayInputStream(first)).read().payload(), StandardCharsets.UTF_8));
            assertEquals("Hello", new String(clientFrames(new ByteArrayInputStream(second)).read().payload(), StandardCharsets.UTF_8));
            assertEquals(false, java.util.Arrays.equals(first, 2, 6, second, 2, 6), "a new masking key per frame");
        }
    }

    /** The reusable-buffer send: a range of a larger array, a long frame, then a short one after it. */
    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({"0", "5", "125", "126", "400", "65535", "65536"})
    void sendTextBytes_range_readsBackAsTheMessage_andTheArrayIsLeftAsItWas(int length) throws Exception {
        try (Loopback loop = Loopback.open()) {
            byte[] around = new byte[length + 20];
            for (int i = 0; i < around.length; i++) {
                around[i] = (byte) ('a' + i % 26);
            }
            byte[] copy = around.clone();
            Thread.ofVirtual().start(() -> {
                try {
                    loop.client.sendText(around, 7, length);
                    loop.client.sendText(around, 0, 3); // shorter, into the buffer the longer one grew
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            FrameReader server = clientFrames(loop.serverIn);
            Frame first = server.read();
            Frame second = server.read();
            assertEquals(Opcode.TEXT, first.opcode());
            assertArrayEquals(java.util.Arrays.copyOfRange(copy, 7, 7 + length), first.payload());
            assertEquals("abc", new String(second.payload(), StandardCharsets.US_ASCII));
            assertArrayEquals(copy, around, "the caller's bytes are masked in a copy");
        }
    }

    @Test
    void sendTextBytes_rangeOutsideTheArray_isRefused() throws Exception {
        try (Loopback loop = Loopback.open()) {
            byte[] five = new byte[5];
            assertThrows(IndexOutOfBoundsException.class, () -> loop.client.sendText(five, 3, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> loop.client.sendText(five, -1, 2));
        }
    }

    @Test
    void sendTextBytes_afterClose_fails() throws Exception {
        try (Loopback loop = Loopback.open()) {
            loop.client.close(CloseCodes.NORMAL, "bye");
            assertThrows(java.io.IOException.class, () -> loop.client.sendText(new byte[]{'x'}, 0, 1));
        }
    }

    @Test
    void readUntilClosed_deliversText_answersPing_echoesClose() throws Exception {
        try (Loopback loop = Loopback.open()) {
            List<String> texts = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> loop.closed = loop.client.readUntilClosed(texts::add));
            loop.serverOut.write(Hex.bytes("01 03 48 65 6c  89 02 68 69  80 02 6c 6f  88 02 03 e8"));
            Frame pong = clientFrames(loop.serverIn).read();
            Frame close = clientFrames(loop.serverIn).read();
            reader.join();
            assertEquals(List.of("Hello"), texts, "a ping between fragments does not split the message");
            assertEquals(Opcode.PONG, pong.opcode());
            assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), pong.payload());
            assertEquals(Opcode.CLOSE, close.opcode());
            assertArrayEquals(Hex.bytes("03 e8"), close.payload(), "5.5.1: the status code is echoed");
            assertEquals(new CloseFrame(1000, ""), loop.closed);
        }
    }

    @Test
    void readUntilClosed_binaryMessage_closesWith1003() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Thread reader = Thread.ofVirtual().start(() -> loop.closed = loop.client.readUntilClosed(text -> { }));
            loop.serverOut.write(Hex.bytes("82 01 00"));
            Frame close = clientFrames(loop.serverIn).read();
            reader.join();
            assertEquals(CloseCodes.UNSUPPORTED_DATA, CloseFrame.parse(close.payload()).code());
            assertEquals(CloseCodes.UNSUPPORTED_DATA, loop.closed.code());
        }
    }

    @Test
    void close_sendsOnce_thenNothingMore() throws Exception {
        try (Loopback loop = Loopback.open()) {
            loop.client.close(CloseCodes.NORMAL, "bye");
            loop.client.close(CloseCodes.GOING_AWAY, "again");
            assertThrows(java.io.IOException.class, () -> loop.client.sendText("late"));
            Frame close = clientFrames(loop.serverIn).read();
            assertEquals(new CloseFrame(CloseCodes.NORMAL, "bye"), CloseFrame.parse(close.payload()));
            loop.client.abort();
            assertEquals(-1, loop.serverIn.read(), "nothing after the close frame");
        }
    }

    /** A client connection to a raw server socket on loopback, past a handshake the test answers by hand. */
    private static final class Loopback implements AutoCloseable {
        final ServerSocket listener;
        final Socket server;
        final InputStream serverIn;
        final java.io.OutputStream serverOut;
        final ClientConnection client;
        volatile CloseFrame closed;

        private Loopback(ServerSocket listener, Socket server, ClientConnection client) throws Exception {
            this.listener = listener;
            this.server = server;
            this.serverIn = server.getInputStream();
            this.serverOut = server.getOutputStream();
            this.client = client;
        }

        static Loopback open() throws Exception {
            ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            var pending = new java.util.concurrent.CompletableFuture<Socket>();
            Thread.ofVirtual().start(() -> {
                try {
                    Socket s = listener.accept();
                    String key = requestKey(s.getInputStream());
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    pending.complete(s);
                } catch (Exception e) {
                    pending.completeExceptionally(e);
                }
            });
            ClientConnection client = WebSocketClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort()), "localhost", "/media", java.util.Map.of(), java.time.Duration.ofSeconds(5));
            return new Loopback(listener, pending.get(), client);
        }

        private static String requestKey(InputStream in) throws Exception {
            String head = new String(WebSocketClient.readHead(in), StandardCharsets.ISO_8859_1);
            return head.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow().substring(19).strip();
        }

        @Override
        public void close() throws Exception {
            client.abort();
            server.close();
            listener.close();
        }
    }

    /** Reads a client's frames, masked, as the server's decoder takes them. */
    private static FrameReader clientFrames(InputStream in) {
        return new FrameReader(in, FrameDecoder.ofClientFrames(LIMIT));
    }
}
