package callbridge.websocket;


import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Another implementation's view: the JDK's {@link java.net.http.WebSocket} client against the echo endpoint. */
class JdkClientInteropTest {
    private static final long TIMEOUT_SECONDS = 5;
    private static final EchoEndpoint ECHO = new EchoEndpoint();
    @AutoClose
    private static final StandaloneServer server = TestServers.serving(Map.of("/echo", ECHO), Duration.ofSeconds(10));

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    @Test
    void echo_pingAndNormalClose() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = connect("/echo?id=jdk", recorder);

        ws.sendText("hello", true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals("hello", recorder.nextText());

        ws.sendText("frag", false).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ws.sendText("mented ", false).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ws.sendText("κόσμε 😀", true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals("fragmented κόσμε 😀", recorder.nextText());

        String large = "x".repeat(WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES);
        ws.sendText(large, true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(large, recorder.nextText());

        ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals("are you there", recorder.pongs.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals("1000 ", recorder.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(new CloseFrame(1000, "done"), ECHO.awaitEnding("jdk"));
    }

    /** The server's own close (here 1003 for a binary message) reaches the client, which answers it. */
    @Test
    void binaryMessage_clientSeesTheServersClose1003() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = connect("/echo?id=jdk-binary", recorder);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String closed = recorder.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals("1003", closed.substring(0, 4), closed);
        assertEquals(CloseCodes.UNSUPPORTED_DATA, ECHO.awaitEnding("jdk-binary").code());
    }

    @Test
    void pathWithoutEndpoint_failsTheHandshakeWith404() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> connect("/nowhere", new Recorder()));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(404, handshake.getResponse().statusCode());
    }

    private WebSocket connect(String target, Recorder recorder) throws Exception {
        URI uri = URI.create("ws://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.port() + target);
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                .buildAsync(uri, recorder).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(ws);
        return ws;
    }

    /** Collects whole text messages, pong payloads and the close status ("code reason"). */
    private static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        String nextText() throws InterruptedException {
            String text = texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(text, "no message within " + TIMEOUT_SECONDS + " s");
            return text;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pongs.add(StandardCharsets.UTF_8.decode(message).toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
