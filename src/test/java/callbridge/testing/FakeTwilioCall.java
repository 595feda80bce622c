package callbridge.testing;

import callbridge.twilio.MalformedMessageException;
import callbridge.twilio.MediaStreamCommand;
import callbridge.twilio.TwilioMessages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Twilio's end of a media stream, for tests: a {@link java.net.http.WebSocket} client that speaks the
 * protocol as Twilio does (the messages are {@link TwilioMessages}; README.md "How it works" has the flow of
 * one call).
 *
 * <p>{@link #connect} opens the WebSocket and sends {@code connected} then {@code start}. Against callbridge,
 * the URL must be the one its webhook handed out for the call: {@link TwilioDialer} (and
 * {@link TestCallbridge#call()}) asks the webhook first, as Twilio does. {@link #speak} and
 * {@link #silence} stream mu-law in 160-byte {@code media} frames every 20 ms at real-time pace
 * ({@link AudioPump}); {@link #sendDtmf}, {@link #echoMark} and {@link #stop} send the other events.
 * Everything the server sends is kept ({@link #messages}, {@link #awaitMessage}, {@link #receivedAudio});
 * {@link #closed} completes with the close code when the connection ends. {@link #close} hangs up: it sends
 * {@code stop} if that has not been sent, then closes the WebSocket with 1000.
 *
 * <p>Many calls can run at once in one JVM: they share one {@link HttpClient} (one selector thread), each
 * call has one virtual thread streaming its audio and one echoing marks, and every wait parks.
 * Sends are serialized per call, because a {@code WebSocket} allows one outstanding text send at a time.
 * Methods throw unchecked exceptions so tests read plainly; a failed wait is an {@link AssertionError}.
 */
public final class FakeTwilioCall implements AutoCloseable {
    /** A made-up account; Twilio SIDs are two letters and 32 hex digits. */
    public static final String ACCOUNT_SID = "AC" + "0".repeat(32);
    public static final int FRAME_BYTES = AudioPump.FRAME_BYTES;
    public static final Duration FRAME = Duration.ofNanos(AudioPump.FRAME_NANOS);
    /** RFC 6455 7.4.1: 1006 stands for "dropped without a close frame"; it never travels on the wire. */
    public static final int ABNORMAL_CLOSURE = 1006;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #close} waits for the server to answer our close frame before dropping the connection. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final int NORMAL_CLOSURE = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message from the server and when its last frame was read ({@link System#nanoTime()}), for latency figures. */
    public record Timed(JsonNode message, long arrivedNanos) {
    }
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(CONNECT_TIMEOUT)
            .build();

    private final String accountSid;
    private final String callSid;
    private final String streamSid;
    private final ReceivedMessages received = new ReceivedMessages();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicBoolean stopSent = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final TwilioPlayback playback;
    private volatile boolean echoMarksAfterPlayback;
    /** Each mark's echo after playback, by name, whether it has gone out yet or is awaited ({@link #awaitMarkPlayed}). */
    private final Map<String, CompletableFuture<Void>> marksPlayed = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> onMarkPlayed = name -> {
    };
    /** Set once by {@link #connect} before the call is handed out. */
    private volatile WebSocket webSocket;
    private volatile AudioPump pump;
    /** Twilio numbers every message after connected, from 1; guarded by {@link #sendLock}. */
    private long nextSequenceNumber = 1;
    /** Media messages sent so far (counted as each send begins); only the pump's thread writes it. */
    private volatile long chunks;

    private FakeTwilioCall(String accountSid, String callSid, String streamSid) {
        this.accountSid = accountSid;
        this.callSid = callSid;
        this.streamSid = streamSid;
        this.playback = TwilioPlayback.start("fake-twilio playback " + streamSid, this::markPlayed);
    }

    /** A call with fresh random SIDs, no custom parameters and no extra headers. */
    public static FakeTwilioCall connect(URI uri) throws IOException {
        return connect(uri, newCallSid(), newStreamSid(), Map.of(), Map.of());
    }

    public static FakeTwilioCall connect(URI uri, String callSid, String streamSid, Map<String, String> customParameters,
                                         Map<String, String> extraHeaders) throws IOException {
        return connect(uri, ACCOUNT_SID, callSid, streamSid, customParameters, extraHeaders);
    }

    /**
     * Opens the WebSocket at {@code uri} ({@code ws://} or {@code wss://}) with {@code extraHeaders} on the
     * upgrade request (such as {@code X-Twilio-Signature}), then sends {@code connected} and {@code start}.
     *
     * @throws java.net.http.WebSocketHandshakeException when the server refuses the upgrade; its
     *                                                   {@code getResponse().statusCode()} says how
     * @throws IOException                               when the server cannot be reached
     */
    public static FakeTwilioCall connect(URI uri, String accountSid, String callSid, String streamSid,
                                         Map<String, String> customParameters, Map<String, String> extraHeaders)
            throws IOException {
        return connect(HTTP, uri, accountSid, callSid, streamSid, customParameters, extraHeaders);
    }

    /**
     * As {@link #connect(URI, String, String, String, Map, Map)}, through {@code client}: one that trusts a
     * test's own certificate, for a {@code wss://} URL served by a TLS-terminating load balancer.
     */
    public static FakeTwilioCall connect(HttpClient client, URI uri, String accountSid, String callSid, String streamSid,
                                         Map<String, String> customParameters, Map<String, String> extraHeaders)
            throws IOException {
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        extraHeaders.forEach(builder::header); // refuses the handshake's own headers (Upgrade, Sec-WebSocket-*...)
        FakeTwilioCall call = new FakeTwilioCall(accountSid, callSid, streamSid);
        try {
            call.webSocket = builder.buildAsync(uri, call.new Listener()).get();
            call.pump = AudioPump.start("fake-twilio audio " + streamSid, call::sendMedia);
            call.sendText(TwilioMessages.connected());
            call.send(sequence -> TwilioMessages.start(sequence, streamSid, callSid, accountSid, customParameters));
            return call;
        } catch (ExecutionException e) {
            call.abandon();
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("could not open " + uri + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            call.abandon();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + uri, e);
        } catch (RuntimeException e) {
            call.abandon();
            throw e;
        }
    }

    /** "CA" and 32 random hex digits, the shape of a Twilio CallSid. */
    public static String newCallSid() {
        return randomSid("CA");
    }

    /** "MZ" and 32 random hex digits, the shape of a Twilio StreamSid. */
    public static String newStreamSid() {
        return randomSid("MZ");
    }

    /** A condition for {@link #awaitMessage}: the message's {@code event} is {@code event}. */
    public static Predicate<JsonNode> isEvent(String event) {
        return message -> event.equals(message.path("event").asText());
    }

    public String accountSid() {
        return accountSid;
    }

    public String callSid() {
        return callSid;
    }

    public String streamSid() {
        return streamSid;
    }

    /**
     * Streams the audio at real-time pace, one 160-byte frame every 20 ms (the last one padded with mu-law
     * silence), and returns when the last frame has been sent: about {@code durationOf(mulaw)} later. Calls
     * from several threads are streamed one after another.
     */
    public void speak(byte[] mulaw) {
        pump.play(mulaw);
    }

    /** Streams mu-law silence (0xFF) for {@code length}, rounded up to whole 20 ms frames, at real-time pace. */
    public void silence(Duration length) {
        long frames = (length.toNanos() + AudioPump.FRAME_NANOS - 1) / AudioPump.FRAME_NANOS;
        pump.play(SpeechClips.silence(FRAME.multipliedBy(frames)));
    }

    /**
     * A real call never pauses its stream: between utterances Twilio keeps sending frames of silence. With
     * this on, the fake does too (and {@link #streamedSoFar} counts them); by default it sends nothing
     * between {@link #speak} and {@link #silence} calls, so tests can count frames exactly.
     */
    public void silenceWhenIdle(boolean on) {
        pump.silenceWhenIdle(on);
    }

    /**
     * With this on, marks the server sends are echoed as Twilio echoes them: once the audio the server sent
     * before the mark has played at real time, or at once after a {@code clear}. Off by default: tests echo
     * with {@link #echoMark}. Audio received while off still counts towards the playback clock.
     */
    public void echoMarksAfterPlayback(boolean on) {
        echoMarksAfterPlayback = on;
    }

    /**
     * Called with each mark's name once playback has reached it and its echo was sent (with
     * {@link #echoMarksAfterPlayback} on): the moment the far end has heard what the server said.
     */
    public void onMarkPlayed(java.util.function.Consumer<String> listener) {
        onMarkPlayed = listener;
    }

    /**
     * Waits until playback has reached the server's mark {@code name} and its echo was sent (with
     * {@link #echoMarksAfterPlayback} on): the far end has heard what the server said before the mark.
     */
    public void awaitMarkPlayed(String name, Duration timeout) {
        try {
            playedFuture(name).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new AssertionError("the mark " + name + " was not played within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the mark " + name + " to play", e);
        }
    }

    private CompletableFuture<Void> playedFuture(String name) {
        return marksPlayed.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    private void markPlayed(String name) {
        echoMark(name);
        playedFuture(name).complete(null);
        onMarkPlayed.accept(name);
    }

    /** The caller pressed a key: "0"-"9", "*" or "#". */
    public void sendDtmf(String digit) {
        send(sequence -> TwilioMessages.dtmf(sequence, streamSid, digit));
    }

    /** Tells the server that playback reached its mark {@code name}. */
    public void echoMark(String name) {
        send(sequence -> TwilioMessages.mark(sequence, streamSid, name));
    }

    /**
     * Sends {@code stop}, as Twilio does when the caller hangs up, after cutting off audio still streaming.
     * The WebSocket stays open (the server may close it; {@link #close} does otherwise). Sends once.
     */
    public void stop() {
        if (stopSent.compareAndSet(false, true)) {
            pump.stop();
            send(sequence -> TwilioMessages.stop(sequence, streamSid, callSid, accountSid));
        }
    }

    /** Sends any text as is, without a sequence number: for tests of what the server does with odd input. */
    public void sendText(String text) {
        sendLock.lock();
        try {
            sendLocked(text);
        } finally {
            sendLock.unlock();
        }
    }

    /** Audio streamed into the call so far: media messages sent x 20 ms. */
    public Duration streamedSoFar() {
        return FRAME.multipliedBy(chunks);
    }

    /**
     * Everything the server has sent, in order, parsed. A text message that is not JSON appears as a
     * {@link TextNode} of its text; a binary message (Twilio takes none) as {"event":"(binary)","bytes":n}.
     */
    public List<JsonNode> messages() {
        return received.snapshot();
    }

    /**
     * The earliest message from the server matching {@code condition} that no earlier call returned,
     * waiting up to {@code timeout}; each message is handed out once, so awaiting {@code isEvent("mark")}
     * twice gives the first two marks. Fails with {@link AssertionError} naming what did arrive.
     */
    public JsonNode awaitMessage(Predicate<JsonNode> condition, Duration timeout) {
        return received.await(condition, timeout);
    }

    /** As {@link #messages}, each with its arrival time. */
    public List<Timed> timedMessages() {
        return received.timedSnapshot();
    }

    /** The decoded payloads of the media messages the server has sent, in order. */
    public List<byte[]> receivedAudio() {
        return received.snapshot().stream()
                .filter(isEvent("media"))
                .map(message -> Base64.getDecoder().decode(message.path("media").path("payload").asText()))
                .toList();
    }

    /**
     * Completes with the close code when the connection ends: the code the server's close frame carried,
     * or 1006 when it dropped without one. After the server closes, this client has answered with a close
     * frame of its own (the JDK's WebSocket echoes the code once {@code onClose} returns).
     */
    public CompletableFuture<Integer> closed() {
        return closed.copy();
    }

    /** Hangs up: {@code stop} (unless sent already or the server has closed), then a 1000 close handshake. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!closed.isDone()) {
                try {
                    stop();
                } catch (RuntimeException e) {
                    // the server went away meanwhile; closing below copes with that
                }
            }
            pump.stop();
            if (!closed.isDone()) {
                // Once the server has closed, the JDK answers it itself: a second close frame would be an error.
                webSocket.sendClose(NORMAL_CLOSURE, "");
            }
            closed.get(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            webSocket.abort();
            closed.complete(ABNORMAL_CLOSURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            webSocket.abort();
        } finally {
            playback.stop();
        }
    }

    @Override
    public String toString() {
        return "FakeTwilioCall[" + callSid + " " + streamSid + "]";
    }

    /** Drops the connection without {@code stop} or a close frame, as a network failure would. */
    public void abortWithoutClose() {
        closing.set(true);
        abandon();
        closed.complete(ABNORMAL_CLOSURE);
    }

    /** Undoes a connect that failed half way. */
    private void abandon() {
        playback.stop();
        if (pump != null) {
            pump.stop();
        }
        if (webSocket != null) {
            webSocket.abort();
        }
    }

    /** The pump's sink: one media message per frame, numbered and timed on the audio timeline. */
    private void sendMedia(byte[] frame) {
        long chunk = chunks + 1;
        chunks = chunk; // before the send, so a server that has frame n sees streamedSoFar() >= n x 20 ms
        long timestampMillis = (chunk - 1) * FRAME.toMillis();
        send(sequence -> TestTwilioMessages.media(sequence, streamSid, chunk, timestampMillis, frame));
    }

    /** Sends a message built around the next sequence number, so numbers go out on the wire in order. */
    private void send(LongFunction<String> message) {
        sendLock.lock();
        try {
            sendLocked(message.apply(nextSequenceNumber++));
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * One text send, waited for: {@code WebSocket} refuses a send while the previous one is outstanding.
     * {@code join} ignores interrupts, so stopping the pump never leaves a send half done.
     */
    private void sendLocked(String text) {
        try {
            webSocket.sendText(text, true).orTimeout(SEND_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(this + ": send failed", io);
            }
            throw new IllegalStateException(this + ": send failed: " + e.getCause(), e.getCause());
        }
    }

    private void onMessage(String text, long arrivedNanos) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            message = TextNode.valueOf(text);
        }
        play(text);
        received.add(message, arrivedNanos);
    }

    /** What Twilio does with a message: plays audio, queues a mark, clears; anything else is only recorded. */
    private void play(String text) {
        try {
            switch (TwilioMessages.decode(text).orElse(null)) {
                case MediaStreamCommand.Media media -> playback.onMedia(media.payload());
                case MediaStreamCommand.Mark mark -> {
                    if (echoMarksAfterPlayback) {
                        playback.onMark(mark.name());
                    }
                }
                case MediaStreamCommand.Clear clear -> playback.onClear();
                case null -> {
                    // an event Twilio does not take
                }
            }
        } catch (MalformedMessageException e) {
            // recorded as it came, for the test to see; Twilio would play none of it
        }
    }

    private void onEnd(int code, String reason) {
        closed.complete(code);
        received.end(reason);
        playback.stop();
    }

    private static String randomSid(String prefix) {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + HexFormat.of().formatHex(random);
    }

    /** Runs on the shared client's threads; the JDK calls it for one message at a time per connection. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private int binaryBytes;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long arrivedNanos = System.nanoTime();
                String text = partial.toString();
                partial.setLength(0);
                onMessage(text, arrivedNanos);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            binaryBytes += data.remaining();
            if (last) {
                received.add(JSON.createObjectNode().put("event", "(binary)").put("bytes", binaryBytes));
                binaryBytes = 0;
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            // Returning null lets the JDK answer at once with a close frame carrying the same code (RFC 6455 5.5.1).
            onEnd(statusCode, "closed by the server: " + statusCode + (reason.isEmpty() ? "" : " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            onEnd(ABNORMAL_CLOSURE, "connection failed: " + error);
        }
    }
}
