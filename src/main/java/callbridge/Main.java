package callbridge;

import callbridge.config.Config;
import callbridge.config.ConfigException;
import callbridge.config.DotEnv;
import callbridge.config.UnknownSettings;
import callbridge.logging.LogLevels;
import callbridge.metrics.MetricRegistry;
import callbridge.server.Routes;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.logging.LogManager;

/**
 * callbridge: bridges a live Twilio phone call to a text turn-taking HTTP API.
 *
 * <p>Data flow of one call: Twilio POSTs the voice webhook and gets TwiML that opens a media stream;
 * Twilio then streams the caller's audio (8 kHz mu-law, 20 ms frames) over the {@code /media} WebSocket;
 * a WebRTC VAD finds the end of each spoken turn; ElevenLabs transcribes it; {@code GET /generate} hands
 * the text to whoever drives the conversation and speaks their answer back into the call.
 *
 * <p>Commands: {@code serve} (default) runs the server; {@code talk} places a call to a voice agent and plays
 * the user's side through the server's {@code /generate} ({@link TalkCommand}); {@code emulate} plays Twilio
 * against a server, one call or a load ({@link callbridge.emulate.Emulate}); {@code emulate agent} plays a tiny
 * voice agent for {@code talk --local-agent} to call ({@link callbridge.agent.ExampleAgent}).
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger("callbridge");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        configureLogging();
        String command = args.length == 0 ? "serve" : args[0];
        int exitCode = switch (command) {
            case "serve" -> args.length > 1 ? unexpectedArgument(List.of(args).subList(1, args.length)) : serve();
            case "talk" -> TalkCommand.run(List.of(args).subList(1, args.length));
            case "emulate" -> args.length > 1 && args[1].equals("agent")
                    ? agent(List.of(args).subList(2, args.length)) : emulate(List.of(args).subList(1, args.length));
            case "help", "-h", "--help" -> usage(0);
            default -> unknownCommand(command);
        };
        System.exit(exitCode);
    }

    private static int serve() throws IOException, InterruptedException {
        Config config;
        try {
            config = Config.load();
            config.records().prepareDirectory();
        } catch (ConfigException e) {
            System.err.println("callbridge: configuration error: " + e.getMessage());
            return 2;
        }
        LogLevels.apply(config.observability().logLevel());
        warnAboutMissingSettings(config);
        UnknownSettings.warnings(DotEnv.read(DotEnv.FILE)).forEach(warning -> LOG.log(Level.WARNING, warning));
        Duration drainTimeout = config.server().drainTimeout();
        boolean drains = !drainTimeout.isZero();
        ShutdownSignals signals = ShutdownSignals.install(drains
                ? List.of("draining: no new calls, the live ones go on", "ending every call now")
                : List.of("shutting down gracefully"));
        Callbridge app;
        try {
            MetricRegistry metrics = new MetricRegistry();
            app = Callbridge.start(config, new InetSocketAddress(config.server().port()),
                    Callbridge.calls(config, Callbridge.services(config, metrics)), metrics);
        } catch (BindException e) {
            System.err.println("callbridge: PORT " + config.server().port() + " is in use (" + e.getMessage()
                    + "): stop what holds it, or set PORT to a free port");
            return 1;
        }
        LOG.log(Level.INFO, "callbridge listening on port {0,number,#} as instance {1}", app.port(),
                config.server().instanceId());
        LOG.log(Level.INFO, "Twilio voice webhook: {0}", config.server().publicUrl()
                .map(url -> url + Routes.VOICE_WEBHOOK)
                .orElse("https://<your public host>" + Routes.VOICE_WEBHOOK + " (set PUBLIC_URL to print it)"));
        signals.step(1).await();
        if (drains) {
            app.drain(drainTimeout, signals.step(2));
        }
        app.shutdown(config.server().shutdownGrace());
        return 0;
    }

    /** {@code emulate}: plays Twilio against a running server (see {@link callbridge.emulate.Emulate}). */
    private static int emulate(List<String> args) throws InterruptedException {
        return callbridge.emulate.Emulate.run(args, Config.rawSettings(), System.out, System.err, ShutdownSignals.install()).code;
    }

    /** {@code emulate agent}: a tiny example voice agent for {@code talk --local-agent} (see {@link callbridge.agent.ExampleAgent}). */
    private static int agent(List<String> args) throws InterruptedException {
        return callbridge.agent.ExampleAgent.run(args, Config.rawSettings(), System.out, System.err, ShutdownSignals.install()).code;
    }

    /** Settings that may be missing on purpose during local work, but never silently. */
    private static void warnAboutMissingSettings(Config config) {
        if (config.twilio().authToken().isEmpty()) {
            LOG.log(Level.WARNING, "TWILIO_AUTH_TOKEN is not set: Twilio signatures are not checked");
        } else if (!config.twilio().validateSignatures()) {
            LOG.log(Level.WARNING, "TWILIO_VALIDATE_SIGNATURES=false: anyone can open calls on this server");
        }
        List<String> missing = config.twilio().missingCredentials();
        if (!missing.isEmpty()) {
            LOG.log(Level.WARNING, "{0} {1} not set: ended calls are not completed at Twilio",
                    String.join(" and ", missing), missing.size() == 1 ? "is" : "are");
        }
        if (config.apiKey().isEmpty()) {
            LOG.log(Level.WARNING, "API_KEY is not set: /generate answers 503 until it is");
        }
        if (config.elevenLabs().apiKey().isEmpty()) {
            LOG.log(Level.WARNING, "ELEVENLABS_API_KEY is not set: nothing can be transcribed or spoken");
        }
    }

    private static int unexpectedArgument(List<String> words) {
        System.err.println("callbridge: " + serveArgumentError(words));
        return usage(2);
    }

    /**
     * What to say when {@code serve} is given arguments: it takes none, but a flag that names a setting
     * ({@code --port 9000}, {@code --public-url=...}) is what a newcomer tries first, so say which variable
     * holds it and how to set it.
     */
    static String serveArgumentError(List<String> words) {
        String word = words.getFirst();
        int equals = word.indexOf('=');
        String flag = equals < 0 ? word : word.substring(0, equals);
        String setting = flag.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
        if (flag.startsWith("-") && !setting.isEmpty() && UnknownSettings.isKnown(setting)) {
            String value = equals >= 0 ? word.substring(equals + 1) : words.size() > 1 ? words.get(1) : "...";
            return "serve takes no flags; '" + flag + "' is the setting " + setting + ": set it in the environment"
                    + " or in .env (for example " + setting + "=" + value + " ./run.sh)";
        }
        return "serve takes no arguments, got '" + word + "'; settings come from the environment and .env"
                + " (.env.example lists them)";
    }

    private static int unknownCommand(String word) {
        System.err.println("callbridge: unknown command '" + word + "'");
        return usage(2);
    }

    private static int usage(int exitCode) {
        (exitCode == 0 ? System.out : System.err).println("""
                usage: java -jar callbridge.jar [serve | talk ... | emulate ...]
                  serve   run the server (the default); settings come from the environment and ./.env
                  talk    call a voice agent and play the user's side, turn by turn (talk --help)
                  emulate play Twilio against a running server: calls, audio, load (emulate --help);
                          emulate agent plays a tiny voice agent for talk --local-agent (emulate agent --help)""");
        return exitCode;
    }

    /** One line per log record, from {@code /logging.properties} in the jar. */
    private static void configureLogging() throws IOException {
        try (InputStream properties = Main.class.getResourceAsStream("/logging.properties")) {
            if (properties != null) {
                LogManager.getLogManager().readConfiguration(properties);
            }
        }
    }
}
