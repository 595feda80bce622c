package callbridge.testing;

import callbridge.audio.MuLaw;
import callbridge.http.RequestHead;
import callbridge.http.SimpleResponse;
import callbridge.json.Json;

import callbridge.websocket.CloseCodes;
import callbridge.websocket.CloseFrame;
import callbridge.websocket.Frame;
import callbridge.websocket.FrameWriter;
import callbridge.websocket.Handshake;
import callbridge.websocket.Opcode;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * ElevenLabs' realtime speech-to-text (Scribe v2 Realtime) on loopback, message for message as the API
 * reference and the official SDKs describe it, on callbridge's own server-side WebSocket. It refuses what the
 * real service refuses ({@code auth_error} for a missing or wrong {@code xi-api-key}, {@code invalid_request}
 * for a missing or unknown {@code model_id}, {@code audio_format} or {@code commit_strategy},
 * {@code input_error} for a message that is not a whole {@code input_audio_chunk} or that carries
 * {@code previous_text} after the first chunk; each then closes), and writes each refusal to
 * {@link #problems} so a test can assert the client caused none.
 *
 * <p>It answers {@code session_started} with its config, a {@code partial_transcript} for each chunk, and for
 * each commit a {@code committed_transcript} whose text is {@link #transcriber} of the mu-law committed since
 * the last commit, after {@link #commitDelay}. Faults it plays on request: an HTTP status for the upgrade,
 * commits never answered, and at the next audio chunk a close, garbage, an error message or a flood of
 * partials. {@link #deafUrl} and {@link #mutedUrl} are peers on bare sockets that upgrade and never read,
 * or never answer the upgrade at all.
 */
public final class FakeRealtimeStt implements AutoCloseable {
    /** The same key as ElevenLabs' other APIs take: one account, one key. */
    public static final String API_KEY = FakeElevenLabs.API_KEY;
    public static final String PATH = "/v1/speech-to-text/realtime";
    /** The model ids the service knows for this endpoint. */
    private static final Set<String> MODELS = Set.of("scribe_v2_realtime");
    /** The API reference's {@code audio_format} enum, with each format's sample rate. */
    private static final Map<String, Integer> AUDIO_FORMATS = Map.of("pcm_8000", 8_000, "pcm_16000", 16_000,
            "pcm_22050", 22_050, "pcm_24000", 24_000, "pcm_44100", 44_100, "pcm_48000", 48_000, "ulaw_8000", 8_000);
    /** Only for the stand-in's own memory: a client that never commits is a client bug. */
    private static final int MAX_UNCOMMITTED_BYTES = 16 * 1024 * 1024;

    /** One accepted upgrade: its query (each name's values, in order) and its {@code xi-api-key}, if any. */
    public record Upgrade(String path, Map<String, List<String>> query, Optional<String> apiKey) {
        public String single(String name) {
            List<String> values = query.getOrDefault(name, List.of());
            return values.size() == 1 ? values.getFirst() : null;
        }
    }

    /** One message as received, with the session (0, 1, ...) it came on. */
    public record Received(int session, String text, JsonNode json) {
    }

    /** A fault played once, at the next audio chunk received on any session. */
    public sealed interface Fault {
    }

    /** Close the session with this code, without a word before. */
    public record Close(int code, String reason) implements Fault {
    }

    /** Send this text, which is not the protocol's JSON. */
    public record Garbage(String text) implements Fault {
    }

    /** Send {@code {"message_type": type, "error": message}}, then close with 1008, as the service's errors end. */
    public record Error(String type, String message) implements Fault {
    }

    /** Send this many partial transcripts of {@code chars} characters each, as fast as the socket takes them. */
    public record Flood(int count, int chars) implements Fault {
    }

    private final StandaloneServer server;
    private final RawPeer deaf;
    private final RawPeer muted;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Upgrade> upgrades = new ArrayList<>();
    private final List<Received> received = new ArrayList<>();
    private final Map<Integer, CloseFrame> closes = new LinkedHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger commitsAnswered = new AtomicInteger();
    private final AtomicInteger floodSent = new AtomicInteger();
    private volatile int refuseStatus;
    private volatile boolean stallCommits;
    private volatile Duration commitDelay = Duration.ZERO;
    private volatile Function<byte[], String> transcriber = audio -> "heard " + audio.length + " bytes";
    private volatile Function<byte[], String> partials = audio -> "hearing " + audio.length + " bytes";

    public FakeRealtimeStt() throws IOException {
        this.server = StandaloneServer.start(Map.of(),
                Map.of(PATH, new Endpoint()), Duration.ofSeconds(60), 64);
        this.deaf = new RawPeer(true);
        this.muted = new RawPeer(false);
    }

    /** The realtime URL to give the client: {@code ws://127.0.0.1:port}, without the path. */
    public URI url() {
        return URI.create("ws://127.0.0.1:" + server.port());
    }

    /** A peer that upgrades, says {@code session_started}, and then never reads a byte. */
    public URI deafUrl() {
        return deaf.url();
    }

    /** Waits until the {@link #deafUrl} peer has had the first byte of the client's first message. */
    public void awaitDeafHeard(Duration timeout) throws InterruptedException {
        if (!deaf.heard.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the deaf peer heard nothing within " + timeout.toMillis() + " ms");
        }
    }

    /** A peer that accepts the TCP connection and never answers the upgrade. */
    public URI mutedUrl() {
        return muted.url();
    }

    /** Mu-law to the text of the committed clip it holds ({@link ClipRecognizer}). */
    public static Function<byte[], String> clipRecognizer() {
        return mulaw -> ClipRecognizer.recognize(MuLaw.decode(mulaw));
    }

    public FakeRealtimeStt transcriber(Function<byte[], String> committedText) {
        this.transcriber = committedText;
        return this;
    }

    public FakeRealtimeStt partials(Function<byte[], String> partialText) {
        this.partials = partialText;
        return this;
    }

    public FakeRealtimeStt commitDelay(Duration delay) {
        this.commitDelay = delay;
        return this;
    }

    /** Refuse every upgrade from now on with this HTTP status (0: accept again). */
    public FakeRealtimeStt refuseUpgrades(int status) {
        this.refuseStatus = status;
        return this;
    }

    /** Take commits and never answer them. */
    public FakeRealtimeStt stallCommits() {
        this.stallCommits = true;
        return this;
    }

    /** Play {@code fault} at the next audio chunk. */
    public FakeRealtimeStt playAtNextChunk(Fault fault) {
        faults.add(fault);
        return this;
    }

    /** Every refusal the stand-in made, in words: a test of a correct client asserts there is none. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Sessions opened (upgrades accepted). */
    public int sessions() {
        return locked(upgrades::size);
    }

    /** Messages received, on all sessions. */
    public int messages() {
        return locked(received::size);
    }

    public int commitsAnswered() {
        return commitsAnswered.get();
    }

    /** Partial transcripts of a {@link Flood} handed to the connection so far (a send blocks when the client does not read). */
    public int floodSent() {
        return floodSent.get();
    }

    public List<Upgrade> upgrades() {
        return locked(() -> List.copyOf(upgrades));
    }

    public List<Received> received() {
        return locked(() -> List.copyOf(received));
    }

    /** Waits until the messages received hold {@code enough}; returns them. */
    public List<Received> awaitReceived(String what, Duration timeout, Predicate<List<Received>> enough)
            throws InterruptedException {
        return await(what, timeout, () -> enough.test(received) ? List.copyOf(received) : null);
    }

    /** Waits until session {@code session} has ended; returns the close status it ended with. */
    public CloseFrame awaitClosed(int session, Duration timeout) throws InterruptedException {
        return await("session " + session + " closed", timeout, () -> closes.get(session));
    }

    @Override
    public void close() {
        server.close();
        deaf.close();
        muted.close();
    }

    private interface Look<T> {
        T now();
    }

    private <T> T await(String what, Duration timeout, Look<T> look) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            T found;
            while ((found = look.now()) == null) {
                if (left <= 0) {
                    throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what
                            + "; received " + received.size() + " messages, problems " + problems);
                }
                left = changed.awaitNanos(left);
            }
            return found;
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    private void changed(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The endpoint: checks the upgrade, then serves one session. */
    private final class Endpoint implements WebSocketEndpoint {
        @Override
        public Optional<SimpleResponse> refusal(RequestHead request) {
            int status = refuseStatus;
            return status == 0 ? Optional.empty()
                    : Optional.of(SimpleResponse.error(status, "Refused", "refused by the test"));
        }

        @Override
        public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
            Upgrade upgrade = new Upgrade(request.path(), query(request.target()), request.header("xi-api-key"));
            int[] number = new int[1];
            changed(() -> {
                number[0] = upgrades.size();
                upgrades.add(upgrade);
            });
            Session session = new Session(number[0], connection);
            session.start(upgrade);
            return session;
        }
    }

    /** One session: the checks on its messages and its answers, sent in order from a thread of its own. */
    private final class Session implements WebSocketListener {
        private final int number;
        private final WebSocketConnection connection;
        /** Every send goes through here: one thread keeps them in order, and onText never waits on a peer. */
        private final ExecutorService out = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        private final ByteArrayOutputStream uncommitted = new ByteArrayOutputStream();
        private int sampleRate;
        private int chunks;
        private boolean refused;

        Session(int number, WebSocketConnection connection) {
            this.number = number;
            this.connection = connection;
        }

        void start(Upgrade upgrade) {
            if (upgrade.apiKey().isEmpty() || !upgrade.apiKey().get().equals(API_KEY)) {
                refuse("auth_error", upgrade.apiKey().isEmpty() ? "missing xi-api-key" : "invalid xi-api-key");
                return;
            }
            String model = upgrade.single("model_id");
            String format = Optional.ofNullable(upgrade.single("audio_format")).orElse("pcm_16000");
            String strategy = Optional.ofNullable(upgrade.single("commit_strategy")).orElse("manual");
            if (model == null || !MODELS.contains(model)) {
                refuse("invalid_request", "model_id must be one of " + MODELS + ", not " + model);
            } else if (!AUDIO_FORMATS.containsKey(format)) {
                refuse("invalid_request", "audio_format " + format + " is not one of " + AUDIO_FORMATS.keySet());
            } else if (!strategy.equals("manual") && !strategy.equals("vad")) {
                refuse("invalid_request", "commit_strategy must be manual or vad, not " + strategy);
            } else {
                sampleRate = AUDIO_FORMATS.get(format);
                send(sessionStarted(upgrade, model, format, strategy));
            }
        }

        @Override
        public void onText(WebSocketConnection connection, String message) {
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(message);
            } catch (IOException e) {
                json = null;
            }
            JsonNode parsed = json;
            changed(() -> received.add(new Received(number, message, parsed)));
            if (refused) {
                return;
            }
            String wrong = check(json);
            if (wrong != null) {
                refuse("input_error", wrong);
                return;
            }
            chunks++;
            byte[] audio = Base64.getDecoder().decode(json.get("audio_base_64").asText());
            if (uncommitted.size() + audio.length > MAX_UNCOMMITTED_BYTES) {
                refuse("input_error", "more than " + MAX_UNCOMMITTED_BYTES + " bytes without a commit");
                return;
            }
            uncommitted.writeBytes(audio);
            Fault fault = faults.poll();
            if (fault != null) {
                play(fault);
                return;
            }
            if (json.get("commit").asBoolean()) {
                byte[] segment = uncommitted.toByteArray();
                uncommitted.reset();
                if (!stallCommits) {
                    Duration delay = commitDelay;
                    out.execute(() -> {
                        pause(delay);
                        sendNow(event("committed_transcript").put("text", transcriber.apply(segment)));
                        commitsAnswered.incrementAndGet();
                    });
                }
            } else {
                send(event("partial_transcript").put("text", partials.apply(uncommitted.toByteArray())));
            }
        }

        @Override
        public void onClose(WebSocketConnection connection, CloseFrame status) {
            out.shutdown();
            changed(() -> closes.put(number, status));
        }

        /** What is wrong with an audio message, in the service's terms; null when it is a good one. */
        private String check(JsonNode json) {
            if (json == null || !json.isObject()) {
                return "not a JSON object";
            }
            if (!json.path("message_type").asText("").equals("input_audio_chunk")) {
                return "unknown message_type " + json.path("message_type");
            }
            JsonNode audio = json.get("audio_base_64");
            if (audio == null || !audio.isTextual()) {
                return "audio_base_64 is required";
            }
            try {
                Base64.getDecoder().decode(audio.asText());
            } catch (IllegalArgumentException e) {
                return "audio_base_64 is not base64";
            }
            if (json.get("commit") == null || !json.get("commit").isBoolean()) {
                return "commit is required (a boolean)";
            }
            JsonNode rate = json.get("sample_rate");
            if (rate == null || !rate.isInt()) {
                return "sample_rate is required (an integer)";
            }
            if (rate.asInt() != sampleRate) {
                return "sample_rate " + rate.asInt() + " does not match the audio_format's " + sampleRate;
            }
            JsonNode previous = json.get("previous_text");
            if (previous != null && !previous.isNull() && chunks > 0) {
                return "previous_text is only allowed with the first chunk";
            }
            return null;
        }

        private void play(Fault fault) {
            switch (fault) {
                case Close close -> out.execute(() -> connection.close(close.code(), close.reason()));
                case Garbage garbage -> out.execute(() -> sendNow(garbage.text()));
                case Error error -> {
                    send(event(error.type()).put("error", error.message()));
                    out.execute(() -> connection.close(CloseCodes.POLICY_VIOLATION, error.type()));
                }
                case Flood flood -> out.execute(() -> {
                    String text = "x".repeat(flood.chars());
                    for (int i = 0; i < flood.count() && connection.isOpen(); i++) {
                        sendNow(event("partial_transcript").put("text", i + text));
                        floodSent.incrementAndGet();
                    }
                });
            }
        }

        /** The service's way to refuse: an error message, then the close. Also a problem for the test. */
        private void refuse(String type, String message) {
            refused = true;
            problems.add("session " + number + ": " + type + ": " + message);
            send(event(type).put("error", message));
            out.execute(() -> connection.close(CloseCodes.POLICY_VIOLATION, type));
        }

        private ObjectNode sessionStarted(Upgrade upgrade, String model, String format, String strategy) {
            ObjectNode started = event("session_started").put("session_id", "%032x".formatted(number + 1));
            ObjectNode config = started.putObject("config")
                    .put("sample_rate", sampleRate)
                    .put("audio_format", format)
                    .put("model_id", model)
                    .put("commit_strategy", strategy)
                    .put("vad_silence_threshold_secs", 1.5)
                    .put("vad_threshold", 0.4)
                    .put("min_speech_duration_ms", 250)
                    .put("min_silence_duration_ms", 2500)
                    .put("enable_logging", true)
                    .put("include_timestamps", false);
            Optional.ofNullable(upgrade.single("language_code")).ifPresent(code -> config.put("language_code", code));
            return started;
        }

        private void send(Object message) {
            out.execute(() -> sendNow(message));
        }

        private void sendNow(Object message) {
            try {
                connection.sendText(message instanceof String text ? text : Json.write(message));
            } catch (IOException e) {
                // the client has gone: nothing to answer
            }
        }
    }

    private static ObjectNode event(String type) {
        return Json.MAPPER.createObjectNode().put("message_type", type);
    }

    /** The stand-in's latency, when a test asks for one: the one honest sleep (it plays time passing). */
    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, List<String>> query(String target) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        int mark = target.indexOf('?');
        if (mark < 0) {
            return query;
        }
        for (String pair : target.substring(mark + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return query;
    }

    /**
     * A peer on a bare socket that misbehaves below the protocol: it accepts connections and either upgrades
     * them, says {@code session_started}, reads the first byte the client sends and never reads again (its receive window kept small, so the
     * client's sends soon stop being taken), or never answers the upgrade at all.
     */
    private static final class RawPeer implements AutoCloseable {
        private static final int RECEIVE_BUFFER = 4096;

        private final ServerSocket listening;
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final boolean upgrade;
        /** Counted down when an upgraded client's first message has begun to arrive. */
        final CountDownLatch heard = new CountDownLatch(1);

        RawPeer(boolean upgrade) throws IOException {
            this.upgrade = upgrade;
            this.listening = new ServerSocket();
            listening.setReceiveBufferSize(RECEIVE_BUFFER); // before bind: accepted sockets inherit it
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().name("raw realtime peer").start(this::accept);
        }

        URI url() {
            return URI.create("ws://127.0.0.1:" + listening.getLocalPort());
        }

        private void accept() {
            while (!listening.isClosed()) {
                try {
                    Socket socket = listening.accept();
                    held.add(socket);
                    if (upgrade) {
                        Thread.ofVirtual().name("deaf realtime peer").start(() -> upgradeAndGoDeaf(socket, heard));
                    }
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void upgradeAndGoDeaf(Socket socket, CountDownLatch heard) {
            try {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.write(b);
                }
                if (!(Handshake.evaluate(RequestHead.parse(head.toByteArray())) instanceof Handshake.Accepted accepted)) {
                    socket.close();
                    return;
                }
                socket.getOutputStream().write(accepted.response(Map.of()));
                ObjectNode started = event("session_started").put("session_id", "deaf");
                started.putObject("config");
                socket.getOutputStream().write(FrameWriter.encode(Frame.of(Opcode.TEXT,
                        Json.write(started).getBytes(StandardCharsets.UTF_8))));
                socket.getOutputStream().flush();
                if (in.read() >= 0) {
                    heard.countDown(); // and from now on nothing is read
                }
            } catch (Exception e) {
                // the client went away: nothing to hold
            }
        }

        @Override
        public void close() {
            try {
                listening.close();
            } catch (IOException e) {
                // closing anyway
            }
            for (Socket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
