package callbridge.testing;

import callbridge.Callbridge;
import callbridge.call.CallCompletion;
import callbridge.call.CallDirectory;
import callbridge.call.CallRegistry;
import callbridge.call.CallServices;
import callbridge.call.CallSession;
import callbridge.call.Calls;
import callbridge.config.Config;
import callbridge.json.Json;
import callbridge.metrics.MetricRegistry;
import callbridge.record.CallRecords;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The real callbridge on a loopback port, wired to the ElevenLabs and Twilio REST stand-ins through its
 * ordinary configuration (ELEVENLABS_BASE_URL, TWILIO_API_BASE_URL), plus a client for its HTTP API.
 */
public final class TestCallbridge implements AutoCloseable {
    public static final String API_KEY = "test-api-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Callbridge app;
    private final Calls calls;
    private final CallRecords records;
    private final MetricRegistry metrics;
    private final FakeElevenLabs elevenLabs;
    private final FakeTwilioRest twilioRest;
    private final TwilioDialer twilio;
    private final Path recordsDir;
    private final Optional<Path> ownRecordsDir;

    private TestCallbridge(Callbridge app, Callbridge.CallsAndRecords calls, MetricRegistry metrics, FakeElevenLabs elevenLabs,
                           FakeTwilioRest twilioRest, Config config, Optional<Path> ownRecordsDir) {
        this.app = app;
        this.calls = calls.calls();
        this.records = calls.records();
        this.metrics = metrics;
        this.elevenLabs = elevenLabs;
        this.twilioRest = twilioRest;
        this.recordsDir = config.records().directory().orElse(null);
        this.ownRecordsDir = ownRecordsDir;
        this.twilio = new TwilioDialer(app.port(), config.server().publicUrl(), FakeTwilioRest.AUTH_TOKEN);
    }

    /**
     * Starts with defaults plus {@code settings} (environment-style names; an empty value removes one). Call
     * records go to a temporary directory of the server's own, deleted when it closes, unless
     * {@code settings} names a {@code RECORDS_DIR}.
     */
    public static TestCallbridge start(Map<String, String> settings) throws IOException {
        return start(settings, TestCallbridge::voiceFor);
    }

    /** As {@link #start(Map)}, with {@code voice} as the mu-law audio the TTS stand-in speaks for a text. */
    public static TestCallbridge start(Map<String, String> settings, Function<String, byte[]> voice) throws IOException {
        return start(settings, voice, Optional.empty());
    }

    /** As {@link #start(Map)}, the calls' clock and timers (and a drain's) moved by {@code time}. */
    public static TestCallbridge start(Map<String, String> settings, ManualTime time) throws IOException {
        return start(settings, TestCallbridge::voiceFor, Optional.of(time));
    }

    private static TestCallbridge start(Map<String, String> settings, Function<String, byte[]> voice,
                                        Optional<ManualTime> time) throws IOException {
        FakeElevenLabs elevenLabs = FakeElevenLabs.start(ClipRecognizer::recognize, voice);
        FakeTwilioRest twilioRest = FakeTwilioRest.start();
        Map<String, String> environment = new HashMap<>(Map.of(
                "API_KEY", API_KEY,
                "ELEVENLABS_API_KEY", FakeElevenLabs.API_KEY,
                "ELEVENLABS_BASE_URL", elevenLabs.baseUrl().toString(),
                "TWILIO_ACCOUNT_SID", FakeTwilioRest.ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN", FakeTwilioRest.AUTH_TOKEN,
                "TWILIO_API_BASE_URL", twilioRest.baseUrl().toString(),
                "TWILIO_VALIDATE_SIGNATURES", "false"));
        Optional<Path> ownRecordsDir = settings.containsKey("RECORDS_DIR") ? Optional.empty()
                : Optional.of(Files.createTempDirectory("callbridge-records"));
        ownRecordsDir.ifPresent(dir -> environment.put("RECORDS_DIR", dir.toString()));
        environment.putAll(settings);
        environment.values().removeIf(String::isEmpty);
        Config config = Config.fromSources(environment, Map.of());
        MetricRegistry metrics = new MetricRegistry();
        CallServices services = Callbridge.services(config, HTTP, metrics);
        if (time.isPresent()) {
            services = new CallServices(services.speechToText(), services.textToSpeech(), services.callControl(),
                    time.get(), time.get(), services.metrics(), services.realtime());
        }
        Callbridge.CallsAndRecords calls = Callbridge.calls(config, services);
        Callbridge app = Callbridge.start(config, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), calls, metrics);
        return new TestCallbridge(app, calls, metrics, elevenLabs, twilioRest, config, ownRecordsDir);
    }

    /**
     * {@link #start} for a field initializer: a test class's {@code @AutoClose} field then gives each test
     * its own server, closed after it.
     */
    public static TestCallbridge started(Map<String, String> settings) {
        try {
            return start(settings);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the test server did not start", e);
        }
    }

    /** What the TTS stand-in says for {@code text}: 40 ms of a tone a character, distinct per text. */
    public static byte[] voiceFor(String text) {
        byte[] audio = new byte[Math.max(1, text.length()) * 320];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) (0x80 + (i * 7 + text.charAt(i % text.length())) % 0x60);
        }
        return audio;
    }

    public Callbridge app() {
        return app;
    }

    /** The registry behind the server's {@code /metrics}. */
    public MetricRegistry metrics() {
        return metrics;
    }

    /** The server's live calls. */
    public CallRegistry calls() {
        return calls.registry();
    }

    /** The server's calls as {@code /calls} shows them. */
    public CallDirectory directory() {
        return calls.directory();
    }

    /** The server's call records. */
    public CallRecords records() {
        return records;
    }

    /** Where the server writes call records. */
    public Path recordsDir() {
        return recordsDir;
    }

    /** The server's completions of ended calls at Twilio. */
    public CallCompletion completion() {
        return calls.completion();
    }

    public FakeElevenLabs elevenLabs() {
        return elevenLabs;
    }

    public FakeTwilioRest twilioRest() {
        return twilioRest;
    }

    public int port() {
        return app.port();
    }

    /** Twilio's side of call set-up against this server: the webhook, then the stream it names. */
    public TwilioDialer twilio() {
        return twilio;
    }

    /** A new call as Twilio makes one: the webhook is asked, and a fake media stream opens at its TwiML's URL. */
    public FakeTwilioCall call() throws IOException {
        return twilio.call();
    }

    /** The call {@code callSid}, made as {@link #call()} makes one; again for the same sid, a restarted stream. */
    public FakeTwilioCall call(String callSid) throws IOException {
        return twilio.call(callSid);
    }

    /** The session of a call that has connected (waits for it briefly). */
    public CallSession session(String callSid) throws InterruptedException {
        return calls.registry().awaitCall(callSid, Duration.ofSeconds(5), new CompletableFuture<>())
                .orElseThrow(() -> new AssertionError("no session for " + callSid));
    }

    /**
     * Waits until the record so far of the call holds {@code count} utterances of the far end in all, heard
     * and transcribed, collected or not: each is noted there as it joins the call's queue of utterances, by
     * the same thread, just before. A way to see what nobody has collected yet without taking it.
     */
    public void awaitHeard(String callSid, int count) throws Exception {
        Await.until(count + " utterance(s) of " + callSid + " heard", Duration.ofSeconds(20), () -> {
            Optional<ObjectNode> record = records.find(callSid);
            int heard = 0;
            for (JsonNode turn : record.map(r -> r.path("turns")).orElse(Json.MAPPER.createArrayNode())) {
                if (turn.path("side").asText().equals("far_end") && turn.path("kind").asText().equals("speech")) {
                    heard++;
                }
            }
            return heard >= count;
        });
    }

    /** {@code GET /generate} with the right key and these query parameters. */
    public HttpResponse<String> generate(Map<String, String> query) throws IOException, InterruptedException {
        return generate(query, API_KEY);
    }

    /** {@link #generate(Map)} on a thread of its own: for a test that must act on the call while the request waits. */
    public CompletableFuture<HttpResponse<String>> generateLater(Map<String, String> query) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return generate(query);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
    }

    public HttpResponse<String> generate(Map<String, String> query, String apiKey) throws IOException, InterruptedException {
        String encoded = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/generate?" + encoded))
                .timeout(Duration.ofSeconds(120));
        if (apiKey != null) {
            request.header("X-API-KEY", apiKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path} (with its query) with {@code apiKey} as {@code X-API-KEY} (none when null). */
    public HttpResponse<String> get(String pathAndQuery, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + pathAndQuery))
                .timeout(Duration.ofSeconds(120));
        if (apiKey != null) {
            request.header("X-API-KEY", apiKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        app.close();
        elevenLabs.close();
        twilioRest.close();
        ownRecordsDir.ifPresent(TestCallbridge::deleteTree);
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
