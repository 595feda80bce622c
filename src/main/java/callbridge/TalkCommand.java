package callbridge;

import callbridge.call.CallControl;
import callbridge.call.CallServices;
import callbridge.carrier.LocalCarrier;
import callbridge.config.Config;
import callbridge.config.ConfigException;
import callbridge.config.DotEnv;
import callbridge.config.Secret;
import callbridge.config.UnknownSettings;
import callbridge.config.UsageException;
import callbridge.logging.LogLevels;
import callbridge.metrics.MetricRegistry;
import callbridge.talk.Talk;
import callbridge.talk.TalkOptions;
import callbridge.twilio.OutboundCalls;
import callbridge.twilio.TwilioCallControl;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code talk} command's wiring: everything is checked before a call is placed (flags, settings, the
 * server at {@code --server} or the settings for one of our own, the user side's files and services); then
 * the conversations run through that server, or through a callbridge started here on {@code PORT} and
 * stopped at the end. {@link Talk} is the command itself; this only connects it to the rest.
 */
final class TalkCommand {
    private static final System.Logger LOG = System.getLogger("callbridge");
    /** How long the agents of local calls get to hear {@code stop} before {@code talk} exits. */
    private static final Duration LOCAL_CALLS_END_WITHIN = Duration.ofSeconds(5);

    /** What a run needs, all checked; {@code carrier} when the calls are local, not Twilio's. */
    private record Ready(TalkOptions options, Config config, OutboundCalls calls, Optional<LocalCarrier> carrier, Talk talk) {
    }

    private TalkCommand() {
    }

    static int run(List<String> args) throws IOException, InterruptedException {
        if (Talk.wantsHelp(args)) {
            System.out.println(Talk.help());
            return 0;
        }
        Ready ready;
        try {
            ready = prepare(args);
        } catch (UsageException | ConfigException e) {
            System.err.println("talk: " + e.getMessage() + "\n(talk --help lists every flag; nothing was dialled)");
            return Talk.Exit.USAGE.code;
        }
        LogLevels.apply(ready.config().observability().logLevel());
        CountDownLatch stopRequested = ShutdownSignals.install();
        try {
            if (ready.options().server().isPresent()) {
                return ready.talk().run(ready.options().server().get(), ready.config().apiKey().orElseThrow(), ready.calls(),
                        System.out, stopRequested, Clock.systemUTC()).code;
            }
            return throughOwnServer(ready, stopRequested);
        } finally {
            // Every call was hung up by now; the agents are told (stop, close) before the process goes.
            if (ready.carrier().isPresent()) {
                ready.carrier().get().endAll("talk is exiting");
                ready.carrier().get().awaitAllEnded(LOCAL_CALLS_END_WITHIN);
            }
        }
    }

    private static Ready prepare(List<String> args) throws UsageException, InterruptedException {
        Map<String, String> settings = Config.rawSettings();
        UnknownSettings.warnings(DotEnv.read(DotEnv.FILE)).forEach(warning -> System.err.println("talk: warning: " + warning));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        TalkOptions options = TalkOptions.parse(args, settings, warning -> System.err.println("talk: warning: " + warning));
        Config config = Config.fromSettings(settings);
        Optional<LocalCarrier> carrier = options.localAgent().map(agent ->
                LocalCarrier.to(agent, config.twilio().authToken().map(Secret::value), http));
        OutboundCalls calls = carrier.isPresent() ? carrier.get() : TwilioCallControl.from(config.twilio()).orElseThrow(() -> new UsageException(
                "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required to place calls (or call an agent on this machine"
                        + " with --local-agent URL)"));
        if (options.server().isPresent()) {
            Talk.checkServer(http, options.server().get(), config.apiKey().orElseThrow(() -> new UsageException(
                    "API_KEY is required with --server: the X-API-KEY that server's /generate expects")));
        } else if (config.elevenLabs().apiKey().isEmpty()) {
            throw new UsageException("ELEVENLABS_API_KEY is not set: the server talk starts hears the agent and speaks"
                    + " the user's lines with ElevenLabs. Put a key (https://elevenlabs.io/app/settings/api-keys) in ./.env as"
                    + " ELEVENLABS_API_KEY=... or in the environment; nothing was called");
        }
        return new Ready(options, config, calls, carrier, Talk.prepare(options, settings, http));
    }

    /** The server's calls completed at the local carrier, as they would be at Twilio: both parties hang up. */
    private static CallServices completingAt(LocalCarrier carrier, CallServices services) {
        CallControl control = carrier::hangUp;
        return new CallServices(services.speechToText(), services.textToSpeech(), Optional.of(control), services.clock(),
                services.sleeper(), services.metrics(), services.realtime());
    }

    /** Through a callbridge started here; its {@code /generate} key only needs to be known to us when none is set. */
    private static int throughOwnServer(Ready ready, CountDownLatch stopRequested) throws IOException, InterruptedException {
        Config config = ready.config();
        Secret key = config.apiKey().orElseGet(() -> new Secret(UUID.randomUUID().toString()));
        Callbridge app;
        MetricRegistry metrics = new MetricRegistry();
        CallServices services = Callbridge.services(config, metrics);
        if (ready.carrier().isPresent()) {
            services = completingAt(ready.carrier().get(), services);
        }
        try {
            // A local call reaches this server on loopback at whatever port it got (PORT=0 picks one): its TwiML
            // names the stream on the Host the carrier came to, not on a PUBLIC_URL meant for Twilio.
            Optional<URI> publicUrl = ready.carrier().isPresent() ? Optional.empty() : Optional.of(ready.options().publicUrl());
            app = Callbridge.start(config.withApiKey(key).withPublicUrl(publicUrl),
                    new InetSocketAddress(config.server().port()), Callbridge.calls(config, services), metrics);
        } catch (BindException e) {
            System.err.println("talk: PORT " + config.server().port() + " is in use (" + e.getMessage()
                    + "): stop what holds it, set PORT to another, or give --server the callbridge already running there");
            return Talk.Exit.USAGE.code;
        }
        URI server = URI.create("http://127.0.0.1:" + app.port());
        LOG.log(Level.INFO, "callbridge listening on port {0,number,#} for talk; " + (ready.carrier().isPresent()
                ? "the local carrier reaches it at {1}" : "Twilio reaches it at {1}"), app.port(),
                ready.carrier().isPresent() ? server : ready.options().publicUrl());
        try {
            return ready.talk().run(server, key, ready.calls(), System.out, stopRequested, Clock.systemUTC()).code;
        } finally {
            app.shutdown(config.server().shutdownGrace());
        }
    }
}
