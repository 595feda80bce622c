package callbridge.agent;

import callbridge.audio.AudioFile;
import callbridge.config.Config;
import callbridge.config.ConfigException;
import callbridge.config.UsageException;
import callbridge.server.CallbridgeServer;
import callbridge.server.Limits;
import callbridge.server.RelayDepartures;
import callbridge.server.ServerThreads;
import callbridge.speech.ElevenLabsTextToSpeech;
import callbridge.speech.SpeechException;
import callbridge.speech.TextToSpeech;
import callbridge.twilio.TwiML;
import callbridge.websocket.WebSocketEndpoint;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code emulate agent}: the example agent's two routes on one port, as a Twilio agent serves them. The
 * webhook ({@value #WEBHOOK_PATH}) answers every call with {@code <Connect><Stream url="ws://HOST/stream">},
 * HOST being the one the request came to; the stream ({@value #STREAM_PATH}) is an {@link AgentCall} per call.
 * The server's front door serves both because a WebSocket upgrade cannot be answered by the JDK's
 * {@code HttpServer} (README.md, "One port, two protocols"). Every clip is made at start-up, so a missing or
 * wrong speech key is said before any call.
 */
public final class ExampleAgent implements AutoCloseable {
    static final String WEBHOOK_PATH = "/twilio";
    static final String STREAM_PATH = "/stream";
    /** Calls at once, and how long a stream may stay silent: plenty for a local example. */
    private static final Limits LIMITS = new Limits(64, Limits.DEFAULT_REQUEST_TIMEOUT, Duration.ofSeconds(60),
            Limits.DEFAULT_WRITE_TIMEOUT);
    private static final String KEY_HELP = "ELEVENLABS_API_KEY is not set: the agent speaks its --lines with ElevenLabs"
            + " text-to-speech. Put a key (https://elevenlabs.io/app/settings/api-keys) in ./.env as ELEVENLABS_API_KEY=..."
            + " or in the environment, or give --audio A.wav,B.wav to play recordings instead";

    /** Process exit codes. */
    public enum Exit {
        STOPPED(0), PORT_IN_USE(1), USAGE(2);

        public final int code;

        Exit(int code) {
            this.code = code;
        }
    }

    private final CallbridgeServer server;
    private final ServerThreads threads;

    private ExampleAgent(CallbridgeServer server, ServerThreads threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Serves until {@code stop} is counted down (Ctrl-C).
     *
     * @param settings the environment over {@code .env}: the speech key and the {@code TTS_*} voice
     */
    public static Exit run(List<String> args, Map<String, String> settings, PrintStream out, PrintStream err,
                           CountDownLatch stop) throws InterruptedException {
        if (AgentOptions.wantsHelp(args)) {
            out.println(AgentOptions.help());
            return Exit.STOPPED;
        }
        try (ExampleAgent agent = start(args, settings, out)) {
            out.println("agent: the voice webhook is http://localhost:" + agent.port() + WEBHOOK_PATH
                    + " (Ctrl-C stops the agent)");
            stop.await();
            return Exit.STOPPED;
        } catch (UsageException e) {
            err.println("emulate agent: " + e.getMessage() + "\n(emulate agent --help lists every flag)");
            return Exit.USAGE;
        } catch (BindException e) {
            err.println("emulate agent: the port is in use (" + e.getMessage() + "): stop what holds it, or pick another with --port");
            return Exit.PORT_IN_USE;
        } catch (IOException e) {
            err.println("emulate agent: cannot serve: " + e.getMessage());
            return Exit.PORT_IN_USE;
        }
    }

    /** Reads the options, makes every clip, and serves on loopback. */
    public static ExampleAgent start(List<String> args, Map<String, String> settings, PrintStream out)
            throws UsageException, IOException {
        AgentOptions options = AgentOptions.parse(args);
        List<Clip> clips = options.lines().isEmpty() ? recordings(options.audio()) : spoken(options.lines(), settings);
        ServerThreads threads = ServerThreads.start();
        try {
            WebSocketEndpoint stream = (connection, request) -> new AgentCall(clips, out);
            return new ExampleAgent(CallbridgeServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()),
                    Map.of(WEBHOOK_PATH, ExampleAgent::webhook), Map.of(STREAM_PATH, stream), LIMITS,
                    new RelayDepartures(), Map.of(), threads), threads);
        } catch (IOException | RuntimeException e) {
            threads.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /** As most agents do: the stream's URL is built from the Host the webhook was reached at. */
    private static void webhook(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        byte[] twiml = TwiML.connectStream("ws://" + host + STREAM_PATH, Map.of()).getBytes(StandardCharsets.UTF_8);
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream()); // the form is not needed: none of it is held
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(200, twiml.length);
        try (var body = exchange.getResponseBody()) {
            body.write(twiml);
        }
    }

    private static List<Clip> recordings(List<Path> files) throws UsageException {
        List<Clip> clips = new ArrayList<>();
        for (Path file : files) {
            clips.add(new Clip(file.getFileName().toString(), AudioFile.readMuLaw8k(file)));
        }
        return clips;
    }

    private static List<Clip> spoken(List<String> lines, Map<String, String> settings) throws UsageException {
        Config.ElevenLabs elevenLabs;
        try {
            elevenLabs = Config.fromSettings(settings).elevenLabs();
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        }
        if (elevenLabs.apiKey().isEmpty()) {
            throw new UsageException(KEY_HELP);
        }
        List<Clip> clips = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            TextToSpeech speech = ElevenLabsTextToSpeech.create(http, elevenLabs);
            for (String line : lines) {
                ByteArrayOutputStream audio = new ByteArrayOutputStream();
                speech.synthesize(line, audio::writeBytes);
                clips.add(new Clip(line, audio.toByteArray()));
            }
        } catch (SpeechException | IOException e) {
            throw new UsageException("ElevenLabs could not speak the agent's lines: " + e.getMessage());
        }
        return clips;
    }

    @Override
    public void close() {
        try {
            server.close(Duration.ZERO);
        } finally {
            threads.close();
        }
    }
}
