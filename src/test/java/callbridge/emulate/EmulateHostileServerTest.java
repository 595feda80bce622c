package callbridge.emulate;

import callbridge.json.Json;
import callbridge.server.CallbridgeServer;
import callbridge.server.Limits;
import callbridge.server.RelayDepartures;
import callbridge.server.ServerThreads;
import callbridge.twilio.MediaStreamCodec;
import callbridge.twilio.PlaybackBuffer;
import callbridge.twilio.TwiML;
import callbridge.twilio.TwilioPaths;
import callbridge.websocket.CloseCodes;
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
import java.io.OutputStream;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emulate} against a server that floods it: marks past {@link PlaybackBuffer#MAX_PENDING_MARKS} behind
 * audio that has not played, and a message Twilio would refuse. emulate keeps a bounded number of marks,
 * counts the rest as bad messages, and the run says so and fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmulateHostileServerTest {
    private static final int FLOOD = PlaybackBuffer.MAX_PENDING_MARKS + 500;
    private static final int AUDIO_SECONDS = 120;

    private final ServerThreads threads = ServerThreads.start();
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
        CountDownLatch neverHangsUp = new CountDownLatch(1);
        CompletableFuture<Emulate.Exit> run = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                run.complete(Emulate.run(List.of("--server", "http://127.0.0.1:" + hostile.port()), Map.of(),
                        printed.stream, printed.stream, neverHangsUp));
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        });
        // The server closes the stream once it has sent everything: emulate reads it all before the close.
        assertEquals(Emulate.Exit.CALLS_FAILED, run.get(30, TimeUnit.SECONDS));
        String ended = printed.await(line -> line.contains("mark(s) echoed"), Duration.ZERO);
        assertTrue(ended.contains("server closed the stream (1000 flood over)"), ended);
        assertTrue(ended.contains(" 0 mark(s) echoed"), "the audio before the marks never played: " + ended);
        assertTrue(ended.contains(", " + (FLOOD - PlaybackBuffer.MAX_PENDING_MARKS + 1) + " bad message(s)"),
                "the marks past the bound and the message Twilio would refuse: " + ended);
    }

    @Test
    void webhookAnswerPastTwimlsLimit_isRefused_unread() throws Exception {
        hostile = CallbridgeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of(TwilioPaths.VOICE_WEBHOOK, EmulateHostileServerTest::endlessTwiml), Map.of(),
                new Limits(8, Limits.DEFAULT_REQUEST_TIMEOUT, Duration.ofSeconds(60), Limits.DEFAULT_WRITE_TIMEOUT),
                new RelayDepartures(), Map.of(), threads);
        PrintedLines printed = new PrintedLines();

        Emulate.Exit exit = Emulate.run(List.of("--server", "http://127.0.0.1:" + hostile.port()), Map.of(),
                printed.stream, printed.stream, new CountDownLatch(1));

        assertEquals(Emulate.Exit.CALLS_FAILED, exit);
        printed.await(line -> line.contains("the webhook answered more than TwiML's 64 KB"), Duration.ZERO);
    }

    /** TwiML that never ends: a comment the server streams for as long as the client reads. */
    private static void endlessTwiml(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(200, 0); // chunked: no length
        byte[] filler = "<!-- ".concat("x".repeat(8_186)).concat(" -->").getBytes(StandardCharsets.US_ASCII);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write("<?xml version=\"1.0\"?><Response>".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                body.write(filler); // ends when the client stops reading and closes
            }
        } catch (IOException e) {
            // the client went away, as it should once it has read past the limit
        }
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
     * behind it, a message that is no media-stream command; then it hangs up. (A clear would make emulate echo
     * every mark kept at once: a thousand messages, which this server's own flood limit refuses.)
     */
    private final class Flooder implements WebSocketListener {
        @Override
        public void onText(WebSocketConnection connection, String message) {
            try {
                JsonNode event = Json.MAPPER.readTree(message);
                if (event.path("event").asText().equals("start")) {
                    flood(connection, event.path("start").path("streamSid").asText());
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
            connection.close(CloseCodes.NORMAL, "flood over");
        }

        @Override
        public void onClose(WebSocketConnection connection, CloseFrame status) {
        }
    }
}
