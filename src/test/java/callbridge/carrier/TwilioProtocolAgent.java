package callbridge.carrier;

import callbridge.json.Json;
import callbridge.testing.SpeechClips;
import callbridge.testing.StandaloneServer;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.CloseFrame;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A voice agent as people build them for Twilio, written here from Twilio's documentation and not from the
 * carrier's code: its webhook answers {@code <Connect><Stream>} with a {@code <Parameter>}; its stream
 * endpoint greets with a recorded clip, then answers each caller turn (speech, then half a second of
 * silence) with the next clip, all of a clip sent at once (the carrier must pace it) and followed by a mark.
 * It can hang up (close its stream) after a number of replies, and it can give way as real agents do: caller
 * speech heard while its clip is still playing (before the clip's mark came back) makes it send {@code clear},
 * once per clip, so Twilio drops what has not played and returns the mark. As a phone menu does, it can answer
 * a key the caller pressed with a clip of its own ("press 1 for reservations"). What it received is kept for the test.
 */
final class TwilioProtocolAgent implements AutoCloseable {
    /** Silence frames after speech that end a caller's turn. */
    private static final int TURN_END_FRAMES = 25;
    private static final int FRAME_BYTES = 160;

    private final String greeting;
    private final List<String> replies;
    /** Replies given before the agent hangs up at the caller's next turn; {@link #AFTER_GREETING}: once its greeting has played. */
    private final int hangUpAfter;
    private static final int AFTER_GREETING = -1;
    /** The call (counted from 0, in the order their streams start) answered with a malformed message; -1: none. */
    private final int malformedCall;
    private final boolean givesWay;
    /** The clip said when the caller presses a key, by key; keys not in it are only kept. */
    private final Map<String, String> keyReplies;
    private final AtomicInteger callsStarted = new AtomicInteger();
    private final StandaloneServer server;
    /** Every message the agent received, in order, across calls. */
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final List<String> webhookForms = new CopyOnWriteArrayList<>();
    /** The keys the caller pressed, as Twilio reports them: each {@code dtmf} message, in the order it came. */
    final List<JsonNode> keys = new CopyOnWriteArrayList<>();
    /** When each key's message arrived ({@link System#nanoTime}), in the order of {@link #keys}. */
    final List<Long> keyArrivals = new CopyOnWriteArrayList<>();
    /** The streamSid of each call's {@code start}, in order. */
    final List<String> streamSids = new CopyOnWriteArrayList<>();
    /** The marks of the clips the agent cut short with {@code clear}. */
    final List<String> cleared = new CopyOnWriteArrayList<>();

    private TwilioProtocolAgent(String greeting, List<String> replies, int hangUpAfter, int malformedCall, boolean givesWay,
                                Map<String, String> keyReplies) {
        this.givesWay = givesWay;
        this.keyReplies = Map.copyOf(keyReplies);
        this.greeting = greeting;
        this.replies = List.copyOf(replies);
        this.hangUpAfter = hangUpAfter;
        this.malformedCall = malformedCall;
        try {
            this.server = StandaloneServer.start(Map.of("/voice", this::webhook), Map.of("/stream", new Stream()), Duration.ofSeconds(60), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TwilioProtocolAgent saying(String greeting, List<String> replies, int hangUpAfter) {
        return new TwilioProtocolAgent(greeting, replies, hangUpAfter, -1, false, Map.of());
    }

    /** As {@link #saying}, and a phone menu too: a key the caller presses is answered with its clip in {@code keyReplies}. */
    static TwilioProtocolAgent menu(String greeting, Map<String, String> keyReplies, List<String> replies) {
        return new TwilioProtocolAgent(greeting, replies, Integer.MAX_VALUE, -1, false, keyReplies);
    }

    /** Says its greeting, and hangs up once the caller has heard it out, before the caller can answer. */
    static TwilioProtocolAgent greetingThenHangingUp(String greeting) {
        return new TwilioProtocolAgent(greeting, List.of(), AFTER_GREETING, -1, false, Map.of());
    }

    /** As {@link #saying}, giving way (sending {@code clear}) when the caller speaks over it. */
    static TwilioProtocolAgent givingWay(String greeting, List<String> replies) {
        return new TwilioProtocolAgent(greeting, replies, Integer.MAX_VALUE, -1, true, Map.of());
    }

    /** This agent, but its call {@code index} (from 0) is answered with a message that is not JSON. */
    TwilioProtocolAgent breakingCall(int index) {
        server.close();
        return new TwilioProtocolAgent(greeting, replies, hangUpAfter, index, givesWay, keyReplies);
    }

    URI webhook() {
        return URI.create("http://127.0.0.1:" + server.port() + "/voice");
    }

    List<String> events() {
        return received.stream().map(message -> message.path("event").asText()).toList();
    }

    private void webhook(HttpExchange exchange) throws IOException {
        webhookForms.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        // As most agents do: the stream URL built from the Host the request came to, wss:// as Twilio needs.
        String twiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect><Stream url=\"wss://"
                + exchange.getRequestHeaders().getFirst("Host") + "/stream\"><Parameter name=\"persona\" value=\"restaurant\"/>"
                + "</Stream></Connect></Response>";
        byte[] body = twiml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private final class Stream implements WebSocketEndpoint {
        @Override
        public WebSocketListener open(WebSocketConnection connection, callbridge.http.RequestHead request) {
            return new Call();
        }
    }

    /** One call's stream, from the agent's side. */
    private final class Call implements WebSocketListener {
        private String streamSid;
        private int speechFrames;
        private int silentFrames;
        private final AtomicInteger repliesGiven = new AtomicInteger();
        /** The mark of the clip still playing; null once Twilio has echoed it (or after a clear). */
        private volatile String playing;

        @Override
        public void onText(WebSocketConnection connection, String text) {
            JsonNode message;
            try {
                message = Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException("the carrier sent what is not JSON: " + text, e);
            }
            received.add(message);
            switch (message.path("event").asText()) {
                case "start" -> {
                    streamSid = message.path("start").path("streamSid").asText();
                    streamSids.add(streamSid);
                    if (callsStarted.getAndIncrement() == malformedCall) {
                        Thread.ofVirtual().start(() -> {
                            try {
                                connection.sendText("{\"event\": media");
                            } catch (IOException e) {
                                // the call ended first
                            }
                        });
                    } else if (greeting != null) {
                        speak(connection, greeting, "greeting");
                    }
                }
                case "mark" -> {
                    playing = null;
                    if (hangUpAfter == AFTER_GREETING && message.path("mark").path("name").asText().equals("greeting")) {
                        connection.close(CloseCodes.NORMAL, "the agent hangs up");
                    }
                }
                case "dtmf" -> {
                    keyArrivals.add(System.nanoTime());
                    keys.add(message);
                    String digit = message.path("dtmf").path("digit").asText();
                    if (keyReplies.containsKey(digit)) {
                        speak(connection, keyReplies.get(digit), "key-" + digit);
                    }
                }
                case "media" -> heard(connection, Base64.getDecoder().decode(message.path("media").path("payload").asText()));
                default -> {
                }
            }
        }

        private void heard(WebSocketConnection connection, byte[] frame) {
            boolean silent = true;
            for (byte b : frame) {
                silent &= b == SpeechClips.SILENCE;
            }
            if (!silent) {
                String cutShort = playing;
                if (givesWay && cutShort != null) {
                    playing = null;
                    cleared.add(cutShort);
                    send(connection, Json.write(Json.MAPPER.createObjectNode().put("event", "clear").put("streamSid", streamSid)));
                }
                speechFrames++;
                silentFrames = 0;
                return;
            }
            if (speechFrames > 0 && ++silentFrames == TURN_END_FRAMES) {
                speechFrames = 0;
                int reply = repliesGiven.getAndIncrement();
                if (reply >= hangUpAfter) {
                    connection.close(CloseCodes.NORMAL, "the agent hangs up");
                } else if (reply < replies.size()) {
                    speak(connection, replies.get(reply), "reply-" + reply);
                }
            }
        }

        /** The whole clip at once, in 20 ms media messages, then a mark: Twilio plays it at real time. */
        private void speak(WebSocketConnection connection, String clip, String mark) {
            byte[] audio = SpeechClips.load(clip);
            playing = mark;
            Thread.ofVirtual().start(() -> {
                try {
                    for (int from = 0; from < audio.length; from += FRAME_BYTES) {
                        byte[] frame = java.util.Arrays.copyOfRange(audio, from, Math.min(audio.length, from + FRAME_BYTES));
                        connection.sendText(Json.write(Json.MAPPER.createObjectNode().put("event", "media")
                                .put("streamSid", streamSid).set("media", Json.MAPPER.createObjectNode()
                                        .put("payload", Base64.getEncoder().encodeToString(frame)))));
                    }
                    connection.sendText(Json.write(Json.MAPPER.createObjectNode().put("event", "mark").put("streamSid", streamSid)
                            .set("mark", Json.MAPPER.createObjectNode().put("name", mark))));
                } catch (IOException e) {
                    // the call ended while the agent spoke
                }
            });
        }

        private static void send(WebSocketConnection connection, String message) {
            try {
                connection.sendText(message);
            } catch (IOException e) {
                // the call has ended
            }
        }

        @Override
        public void onClose(WebSocketConnection connection, CloseFrame status) {
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
