package callbridge.testing;

import callbridge.audio.Wav;
import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for the ElevenLabs API on loopback, strict about what callbridge sends: the key header, the
 * multipart fields, a valid WAV; the TTS path, query and JSON body, its {@code voice_settings} included. It answers with scripted failures
 * first, then with {@code transcriber} / {@code voice}. Every request is recorded for assertions.
 */
public final class FakeElevenLabs implements AutoCloseable {
    public static final String API_KEY = "test-elevenlabs-key";
    /** TTS audio is streamed in chunks of this size, like a real streaming answer. */
    public static final int TTS_CHUNK_BYTES = 1_000;
    /** ElevenLabs' documented ranges for the numeric {@code voice_settings}: min and max. */
    private static final Map<String, double[]> VOICE_SETTING_RANGES = Map.of(
            "stability", new double[]{0, 1},
            "similarity_boost", new double[]{0, 1},
            "style", new double[]{0, 1},
            "speed", new double[]{0.7, 1.2});

    /** One speech-to-text request as received; {@code wav} is the file part's bytes as they came. */
    public record SttRequest(String model, String language, String fileName, String fileContentType, short[] pcm,
                             byte[] wav) {
    }

    /**
     * One text-to-speech request as received, recorded once its answer was sent; {@code firstByteNanos}
     * ({@link System#nanoTime()}) is when its first audio chunk was handed to the connection.
     */
    public record TtsRequest(String voiceId, String outputFormat, JsonNode body, long firstByteNanos) {
    }

    /** How the stand-in's handling of one text-to-speech request ended. */
    public enum TtsEnd {
        /** Handled to its end: answered in full (and recorded), refused, or cut as scripted. */
        HANDLED,
        /** A read or a write failed: the client had gone before the answer was whole. */
        CLIENT_GONE
    }

    /** A scripted answer, used once, before the default behaviour. */
    public sealed interface Reply {
    }

    /**
     * Answer {@code status} with an ElevenLabs-style error body carrying {@code message}, and a
     * {@code Retry-After} header when {@code retryAfter} is not null.
     */
    public record Fail(int status, String message, String retryAfter) implements Reply {
        public Fail(int status, String message) {
            this(status, message, null);
        }
    }

    /** Answer normally, but only after {@code delay}. */
    public record Slow(Duration delay) implements Reply {
    }

    /** Start a normal TTS answer, then drop the connection after {@code bytes} bytes of audio. */
    public record CutAfter(int bytes) implements Reply {
    }

    /** Start a normal TTS answer, send {@code bytes} bytes of audio, then send nothing for {@code stall}. */
    public record StallAfter(int bytes, Duration stall) implements Reply {
    }

    /** Answer a speech-to-text request 200 with this body as it is, whatever it holds. */
    public record Answer(String body) implements Reply {
    }

    private final HttpServer server;
    private final Function<short[], String> transcriber;
    private final Function<String, byte[]> voice;
    private final Deque<Reply> sttScript = new ArrayDeque<>();
    private final Deque<Reply> ttsScript = new ArrayDeque<>();
    private final List<SttRequest> sttRequests = new CopyOnWriteArrayList<>();
    private final List<TtsRequest> ttsRequests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger sttAttempts = new AtomicInteger();
    private final AtomicInteger ttsAttempts = new AtomicInteger();
    private final BlockingQueue<TtsEnd> ttsEnds = new LinkedBlockingQueue<>();

    private FakeElevenLabs(HttpServer server, Function<short[], String> transcriber, Function<String, byte[]> voice) {
        this.server = server;
        this.transcriber = transcriber;
        this.voice = voice;
    }

    /**
     * @param transcriber the text for a turn's samples
     * @param voice       the mu-law audio for a text
     */
    public static FakeElevenLabs start(Function<short[], String> transcriber, Function<String, byte[]> voice) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        FakeElevenLabs fake = new FakeElevenLabs(server, transcriber, voice);
        server.createContext("/v1/speech-to-text", fake::speechToText);
        server.createContext("/v1/text-to-speech/", fake::textToSpeech);
        server.start();
        return fake;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized void scriptSpeechToText(Reply... replies) {
        sttScript.addAll(List.of(replies));
    }

    public synchronized void scriptTextToSpeech(Reply... replies) {
        ttsScript.addAll(List.of(replies));
    }

    public List<SttRequest> sttRequests() {
        return List.copyOf(sttRequests);
    }

    public List<TtsRequest> ttsRequests() {
        return List.copyOf(ttsRequests);
    }

    /** Requests that reached the speech-to-text endpoint, however they were answered (retries included). */
    public int sttAttempts() {
        return sttAttempts.get();
    }

    /** Requests that reached the text-to-speech endpoint, however they were answered (retries included). */
    public int ttsAttempts() {
        return ttsAttempts.get();
    }

    /**
     * How the next text-to-speech request ended, in the order they ended, waiting for it if need be: what
     * a test waits for before it asserts that something was not recorded. Fails after {@code timeout}.
     */
    public TtsEnd nextTtsEnd(Duration timeout) throws InterruptedException {
        TtsEnd end = ttsEnds.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (end == null) {
            throw new AssertionError("no text-to-speech request ended within " + timeout.toMillis() + " ms");
        }
        return end;
    }

    /** Requests that broke the API's rules (wrong key, missing field, bad WAV...); empty when all were right. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void speechToText(HttpExchange exchange) throws IOException {
        sttAttempts.incrementAndGet();
        try (exchange) {
            if (!checkKeyAndMethod(exchange)) {
                return;
            }
            Reply reply = next(sttScript);
            if (reply instanceof Fail fail) {
                sendError(exchange, fail);
                return;
            }
            if (reply instanceof Slow slow) {
                sleep(slow.delay());
            }
            if (reply instanceof Answer answer) {
                exchange.getRequestBody().readAllBytes();
                send(exchange, 200, answer.body());
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            Map<String, MultipartParser.Part> parts;
            try {
                parts = MultipartParser.parse(contentType, exchange.getRequestBody().readAllBytes());
            } catch (IllegalArgumentException e) {
                reject(exchange, "bad multipart body: " + e.getMessage());
                return;
            }
            MultipartParser.Part file = parts.get("file");
            if (!parts.containsKey("model_id") || file == null) {
                reject(exchange, "model_id and file are required, got " + parts.keySet());
                return;
            }
            short[] pcm;
            try {
                pcm = WavReader.readPcm(file.content());
            } catch (IllegalArgumentException e) {
                reject(exchange, "file is not a valid WAV: " + e.getMessage());
                return;
            }
            String language = parts.containsKey("language_code") ? parts.get("language_code").text() : null;
            sttRequests.add(new SttRequest(parts.get("model_id").text(), language, file.fileName(), file.contentType(), pcm,
                    file.content()));
            send(exchange, 200, Json.write(Map.of("language_code", String.valueOf(language), "text", transcriber.apply(pcm))));
        }
    }

    private void textToSpeech(HttpExchange exchange) throws IOException {
        ttsAttempts.incrementAndGet();
        boolean cut = false;
        try {
            cut = answerTextToSpeech(exchange);
            ttsEnds.add(TtsEnd.HANDLED);
        } catch (IOException e) {
            ttsEnds.add(TtsEnd.CLIENT_GONE);
            throw e;
        } finally {
            if (!cut) {
                exchange.close();
            }
        }
        if (cut) {
            // Escaping the handler with the exchange still open makes the JDK server drop the connection
            // mid-body. Closing the exchange would not do: it ends a chunked body cleanly, with its last chunk.
            throw new IOException("connection cut on purpose");
        }
    }

    /** Answers a text-to-speech request; true when the script says to cut the connection now. */
    private boolean answerTextToSpeech(HttpExchange exchange) throws IOException {
        if (!checkKeyAndMethod(exchange)) {
            return false;
        }
        String path = exchange.getRequestURI().getPath();
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        if (!path.endsWith("/stream") || !query.contains("output_format=ulaw_8000")) {
            reject(exchange, "expected /v1/text-to-speech/{voice}/stream?output_format=ulaw_8000, got " + path + "?" + query);
            return false;
        }
        String voiceId = path.substring("/v1/text-to-speech/".length(), path.length() - "/stream".length());
        JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
        if (body == null || !body.hasNonNull("text") || !body.hasNonNull("model_id")) {
            reject(exchange, "JSON body needs text and model_id");
            return false;
        }
        String badSettings = voiceSettingsProblem(body.get("voice_settings"));
        if (badSettings != null) {
            reject(exchange, "voice_settings: " + badSettings);
            return false;
        }
        Reply reply = next(ttsScript);
        if (reply instanceof Fail fail) {
            sendError(exchange, fail);
            return false;
        }
        if (reply instanceof Slow slow) {
            sleep(slow.delay());
        }
        byte[] audio = voice.apply(body.get("text").asText());
        int limit = reply instanceof CutAfter cut ? Math.min(cut.bytes(), audio.length) : audio.length;
        exchange.getResponseHeaders().set("Content-Type", "audio/basic");
        exchange.sendResponseHeaders(200, 0); // chunked, as ElevenLabs streams
        OutputStream out = exchange.getResponseBody();
        long firstByte = 0;
        for (int offset = 0; offset < limit; offset += TTS_CHUNK_BYTES) {
            if (firstByte == 0) {
                // Taken before the write: taken after it, a reader that raced ahead seemed to get the audio early.
                firstByte = System.nanoTime();
            }
            out.write(Arrays.copyOfRange(audio, offset, Math.min(limit, offset + TTS_CHUNK_BYTES)));
            out.flush();
            sleep(reply instanceof StallAfter stall && offset < stall.bytes() && offset + TTS_CHUNK_BYTES >= stall.bytes()
                    ? stall.stall() : Duration.ofMillis(5));
        }
        ttsRequests.add(new TtsRequest(voiceId, "ulaw_8000", body, firstByte));
        return reply instanceof CutAfter;
    }

    /**
     * What is wrong with {@code voice_settings}, or null. ElevenLabs takes it optionally; callbridge always
     * sends all five, each within the range ElevenLabs documents, so anything less is a mistake here.
     */
    private static String voiceSettingsProblem(JsonNode settings) {
        if (settings == null || !settings.isObject()) {
            return "missing or not an object: " + settings;
        }
        for (Map.Entry<String, double[]> range : VOICE_SETTING_RANGES.entrySet()) {
            JsonNode value = settings.get(range.getKey());
            if (value == null || !value.isNumber()
                    || value.asDouble() < range.getValue()[0] || value.asDouble() > range.getValue()[1]) {
                return range.getKey() + " must be a number from " + range.getValue()[0] + " to " + range.getValue()[1]
                        + ", got " + value;
            }
        }
        JsonNode speakerBoost = settings.get("use_speaker_boost");
        if (speakerBoost == null || !speakerBoost.isBoolean()) {
            return "use_speaker_boost must be true or false, got " + speakerBoost;
        }
        if (settings.size() != VOICE_SETTING_RANGES.size() + 1) {
            return "unexpected fields in " + settings;
        }
        return null;
    }

    private boolean checkKeyAndMethod(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            reject(exchange, "method " + exchange.getRequestMethod());
            return false;
        }
        if (!API_KEY.equals(exchange.getRequestHeaders().getFirst("xi-api-key"))) {
            sendError(exchange, new Fail(401, "Invalid API key"));
            return false;
        }
        return true;
    }

    private synchronized Reply next(Deque<Reply> script) {
        return script.pollFirst();
    }

    private void reject(HttpExchange exchange, String problem) throws IOException {
        problems.add(problem);
        sendError(exchange, new Fail(400, problem));
    }

    private static void sendError(HttpExchange exchange, Fail fail) throws IOException {
        if (fail.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", fail.retryAfter());
        }
        send(exchange, fail.status(), Json.write(Map.of("detail", Map.of("status", "error", "message", fail.message()))));
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration); // plays a deliberately slow peer: a streamed answer's pace, a scripted delay or stall
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
