package callbridge.carrier;

import callbridge.json.Json;
import callbridge.testing.StandaloneServer;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One party of a local call for the carrier's own tests, behaving as each test says: its webhook answers a
 * given status and body ({@link #STREAM} in it becomes its own stream's {@code ws://} URL, {@link #SELF}
 * its {@code host:port}), or never answers;
 * once a stream has started, {@link Behaviour} says what the party sends on it (on a thread of its own). Every
 * message it receives is kept, per call, for the test to wait on.
 */
final class StandInParty implements AutoCloseable {
    /** Replaced, in a webhook's answer, by this party's stream URL. */
    static final String STREAM = "{stream}";
    /** Replaced, in a webhook's answer, by this party's {@code host:port}. */
    static final String SELF = "{self}";
    static final String CONNECT_STREAM = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect><Stream url=\""
            + STREAM + "\"/></Connect></Response>";
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** What a party sends once its stream has started; {@code call} counts the party's calls from 0. */
    interface Behaviour {
        void started(WebSocketConnection connection, String streamSid, int call) throws IOException;

        Behaviour LISTENS = (connection, streamSid, call) -> {
        };
    }

    /** One stream the party was given. */
    static final class Call {
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile String callSid;

        /** The next message of this event, skipping others; fails the test when none comes. */
        JsonNode await(String event) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                JsonNode message = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (message == null) {
                    return fail("no " + event + " came within " + WAIT.toSeconds() + " s");
                }
                if (message.path("event").asText().equals(event)) {
                    return message;
                }
            }
        }
    }

    private final int status;
    private final String answer;
    private final Behaviour behaviour;
    /** False: only {@code start} is read and kept, for a benchmark that must not measure the party's parsing. */
    private final boolean keepsMessages;
    private final CountDownLatch released = new CountDownLatch(1);
    private final StandaloneServer server;
    private final AtomicInteger webhookCalls = new AtomicInteger();
    /** Every stream opened to this party, in the order they started. */
    final List<Call> calls = new CopyOnWriteArrayList<>();

    private StandInParty(int status, String answer, Behaviour behaviour, boolean keepsMessages) {
        this.status = status;
        this.answer = answer;
        this.behaviour = behaviour;
        this.keepsMessages = keepsMessages;
        try {
            server = StandaloneServer.start(Map.of("/voice", this::webhook), Map.of("/stream", (connection, request) -> new Stream()),
                    Duration.ofSeconds(60), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A party that connects its stream and then does what {@code behaviour} says. */
    static StandInParty connecting(Behaviour behaviour) {
        return new StandInParty(200, CONNECT_STREAM, behaviour, true);
    }

    /** A party that connects its stream, does what {@code behaviour} says, and reads only {@code start}. */
    static StandInParty connectingQuietly(Behaviour behaviour) {
        return new StandInParty(200, CONNECT_STREAM, behaviour, false);
    }

    /** A party whose webhook answers {@code status} and {@code body}. */
    static StandInParty answering(int status, String body) {
        return new StandInParty(status, body, Behaviour.LISTENS, true);
    }

    /** A party whose webhook never answers (until it is closed). */
    static StandInParty neverAnswering() {
        return new StandInParty(-1, "", Behaviour.LISTENS, true);
    }

    URI webhook() {
        return URI.create("http://127.0.0.1:" + server.port() + "/voice");
    }

    int webhookCalls() {
        return webhookCalls.get();
    }

    /** The stream of this party's call {@code callSid}, waiting for it to start. */
    Call call(String callSid) throws InterruptedException {
        return awaitCall(call -> callSid.equals(call.callSid), "the stream of " + callSid);
    }

    /** The stream of this party's {@code index}th call (from 0), waiting for it to start. */
    Call call(int index) throws InterruptedException {
        return awaitCall(call -> calls.indexOf(call) == index, "stream " + index);
    }

    private Call awaitCall(java.util.function.Predicate<Call> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (calls) {
            while (true) {
                for (Call call : calls) {
                    if (wanted.test(call)) {
                        return call;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return fail(what + " did not start within " + WAIT.toSeconds() + " s");
                }
                TimeUnit.NANOSECONDS.timedWait(calls, left);
            }
        }
    }

    private void webhook(HttpExchange exchange) throws IOException {
        webhookCalls.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        if (status < 0) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] body = answer.replace(STREAM, "ws://" + SELF + "/stream")
                .replace(SELF, "127.0.0.1:" + server.port()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private final class Stream implements WebSocketListener {
        private final Call call = new Call();

        @Override
        public void onText(WebSocketConnection connection, String text) {
            if (!keepsMessages && !text.contains("\"event\":\"start\"")) {
                return;
            }
            JsonNode message;
            try {
                message = Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException("the carrier sent what is not JSON: " + text, e);
            }
            if (message.path("event").asText().equals("start")) {
                call.callSid = message.path("start").path("callSid").asText();
                int index;
                synchronized (calls) {
                    calls.add(call);
                    index = calls.size() - 1;
                    calls.notifyAll();
                }
                String streamSid = message.path("start").path("streamSid").asText();
                Thread.ofVirtual().start(() -> {
                    try {
                        behaviour.started(connection, streamSid, index);
                    } catch (IOException e) {
                        // the call ended while the party sent
                    }
                });
            }
            call.received.add(message);
        }

        @Override
        public void onClose(WebSocketConnection connection, CloseFrame status) {
            call.closed.countDown();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.close();
    }
}
