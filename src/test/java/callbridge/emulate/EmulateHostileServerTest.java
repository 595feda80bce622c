package callbridge.emulate;

import callbridge.json.Json;
import callbridge.server.CallbridgeServer;
import callbridge.server.Limits;
import callbridge.server.RelayDepartures;
import callbridge.server.ServerThreads;
import callbridge.testing.Await;
import callbridge.twilio.MediaStreamCodec;
import callbridge.twilio.PlaybackBuffer;
import callbridge.twilio.TwiML;
import callbridge.twilio.TwilioPaths;
import callbridge.websocket.CloseFrame;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emulate} against a server that floods it: marks past {@link PlaybackBuffer#MAX_PENDING_MARKS} with no
 * audio to reach them, and a message Twilio would refuse. emulate keeps a bounded number, echoes those,
 * counts the rest as bad messages, and the run says so and fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmulateHostileServerTest {
    private static final int FLOOD = PlaybackBuffer.MAX_PENDING_MARKS + 500;
    private static final int AUDIO_SECONDS = 120;

    private final ServerThreads threads = ServerThreads.start();
    private final AtomicInteger echoes = new AtomicInteger();
    private CallbridgeServer hostile;

    @AfterEach
    void stop() {
        if (hostile != null) {
            hostile.close(Duration.ZERO);
        }
        threads.close();
    }

    @Test
    void markFlood_keepsABoundedNumber_countsTheRest_andTheRunFails() throws Exception {
        WebSocketEndpoint flooding = (connection, request) -> new Flooder();
        hostile = CallbridgeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of(TwilioPaths.VOICE_WEBHOOK, EmulateHostileServerTest::webhook), Map.of(TwilioPaths.MEDIA, flooding),
                new Limits(8, Limits.DEFAULT_REQUEST_TIMEOUT, Duration.ofSeconds(60), Limits.DEFAULT_WRITE_TIMEOUT),
                new RelayDepartures(), Map.of(), threads);

        PrintedLines printed = new PrintedLines();
        CountDownLatch hangUp = new CountDownLatch(1);
        CompletableFuture<Emulate.Exit> run = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                run.complete(Emulate.run(List.of("--server", "http://127.0.0.1:" + hostile.port()), Map.of(),
                        printed.stream, printed.stream, hangUp));
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        });
        // The clear that ends the flood echoes every mark kept, at once, as Twilio does.
        Await.until("every kept mark echoed", Duration.ofSeconds(30), () -> echoes.get() == PlaybackBuffer.MAX_PENDING_MARKS);
        hangUp.countDown();

        assertEquals(Emulate.Exit.CALLS_FAILED, run.get(30, TimeUnit.SECONDS));
        String ended = printed.await(line -> line.contains("mark(s) echoed"), Duration.ZERO);
        assertTrue(ended.contains(" " + PlaybackBuffer.MAX_PENDING_MARKS + " mark(s) echoed, 1 clear(s)"), ended);
        assertTrue(ended.contains((FLOOD - PlaybackBuffer.MAX_PENDING_MARKS + 1) + " bad message(s)"), ended);
        assertEquals(PlaybackBuffer.MAX_PENDING_MARKS, echoes.get(), "nothing more was echoed");
    }

    private static void webhook(HttpExchange exchange) throws IOException {
        byte[] twiml = TwiML.connectStream("ws://" + exchange.getRequestHeaders().getFirst("Host") + TwilioPaths.MEDIA, Map.of())
                .getBytes(StandardCharsets.UTF_8);
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(200, twiml.length);
        try (var body = exchange.getResponseBody()) {
            body.write(twiml);
        }
    }

    /**
     * On {@code start}: audio that plays far longer than the test (so no mark is reached), the flood of marks
     * behind it, a message that is no media-stream command, and a clear; then counts the echoes.
     */
    private final class Flooder implements WebSocketListener {
        @Override
        public void onText(WebSocketConnection connection, String message) {
            try {
                JsonNode event = Json.MAPPER.readTree(message);
                if (event.path("event").asText().equals("start")) {
                    flood(connection, event.path("start").path("streamSid").asText());
                } else if (event.path("event").asText().equals("mark")) {
                    echoes.incrementAndGet();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void flood(WebSocketConnection connection, String streamSid) throws IOException {
            for (int second = 0; second < AUDIO_SECONDS; second++) {
                connection.sendText(MediaStreamCodec.media(streamSid, new byte[8_000]));
            }
            for (int i = 0; i < FLOOD; i++) {
                connection.sendText(MediaStreamCodec.mark(streamSid, "m" + i));
            }
            connection.sendText("{\"event\":\"no-such-event\"}");
            connection.sendText(MediaStreamCodec.clear(streamSid));
        }

        @Override
        public void onClose(WebSocketConnection connection, CloseFrame status) {
        }
    }
}
