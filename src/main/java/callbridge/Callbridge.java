package callbridge;

import callbridge.audio.TurnDetector;
import callbridge.audio.TurnSegmenter;
import callbridge.audio.WebRtcVad;
import callbridge.call.CallControl;
import callbridge.call.CallEnd;
import callbridge.call.CallMetrics;
import callbridge.call.CallServices;
import callbridge.call.CallSetup;
import callbridge.call.Calls;
import callbridge.config.Config;
import callbridge.metrics.JvmMetrics;
import callbridge.metrics.MetricRegistry;
import callbridge.record.CallRecords;
import callbridge.server.CallbridgeServer;
import callbridge.server.CallsHandler;
import callbridge.server.GenerateHandler;
import callbridge.server.Limits;
import callbridge.server.MetricsHandler;
import callbridge.server.RelayDepartures;
import callbridge.server.Routes;
import callbridge.server.ServerThreads;
import callbridge.speech.ElevenLabsRealtimeSpeechToText;
import callbridge.speech.ElevenLabsSpeechToText;
import callbridge.speech.ElevenLabsTextToSpeech;
import callbridge.speech.MeasuredSpeechToText;
import callbridge.speech.MeasuredTextToSpeech;
import callbridge.time.Deadline;
import callbridge.time.Sleeper;
import callbridge.twilio.MediaStreamEndpoint;
import callbridge.twilio.MediaStreamMetrics;
import callbridge.twilio.SignatureCheck;
import callbridge.twilio.StreamBinding;
import callbridge.twilio.TwilioCallControl;
import callbridge.twilio.VoiceWebhook;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The running application, wired from one {@link Config}: the server, a handler on each of its
 * {@link Routes}, the {@link Calls} they serve with the {@link CallRecords} that observe them, and the
 * threads the server's connections share ({@link ServerThreads}), which it starts with the server and stops
 * after it. The calls are made by the caller ({@link #calls(Config, CallServices)}), so tests run the real
 * server against stand-ins and watch its calls.
 */
public final class Callbridge implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Callbridge.class.getName());

    /** How often a drain looks at what is left: an exit at most this late after the last call ended. */
    private static final Duration DRAIN_CHECK = Duration.ofMillis(200);

    /** The call domain, and the records that observe its calls (and show them on {@code /calls/{sid}}). */
    public record CallsAndRecords(Calls calls, CallRecords records) {
    }

    private final CallbridgeServer server;
    /** The threads the server's connections share: this application's to stop, after the server. */
    private final ServerThreads threads;
    private final Calls calls;
    private final CallRecords records;
    private final Clock clock;

    private Callbridge(CallbridgeServer server, ServerThreads threads, CallsAndRecords served) {
        this.server = server;
        this.threads = threads;
        this.calls = served.calls();
        this.records = served.records();
        this.clock = calls.setup().services().clock();
    }

    /** The outside services a server uses, as configured, measured into {@code metrics}. */
    public static CallServices services(Config config, MetricRegistry metrics) {
        return services(config, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), metrics);
    }

    /**
     * The outside services a server uses, as configured, calling out through {@code http}: batch speech
     * services measured into {@code metrics} (latency, failures), realtime speech-to-text with
     * {@code STT_MODE=realtime}, and the calls' own measures (among them the delay from a turn's end to its
     * transcription beyond the pause that ended it).
     */
    public static CallServices services(Config config, HttpClient http, MetricRegistry metrics) {
        Clock clock = Clock.systemUTC();
        return new CallServices(
                MeasuredSpeechToText.wrap(ElevenLabsSpeechToText.create(http, config.elevenLabs()), metrics),
                MeasuredTextToSpeech.wrap(ElevenLabsTextToSpeech.create(http, config.elevenLabs()), metrics),
                TwilioCallControl.from(config.twilio()).map(CallControl.class::cast), clock, Sleeper.REAL,
                CallMetrics.registerIn(metrics), ElevenLabsRealtimeSpeechToText.create(http, config.elevenLabs()));
    }

    /**
     * The call domain as {@code config} sets it up, each call with its own VAD and turn detector, and its
     * records, registered as the calls' observer.
     */
    public static CallsAndRecords calls(Config config, CallServices services) {
        Config.Turns turns = config.turns();
        CallRecords records = CallRecords.start(new CallRecords.Settings(config.records().directory(),
                config.records().recordAudio()), services.clock());
        Optional<CallSetup.SmartPauses> smart = turns.turnEnd() == Config.TurnEnd.SMART
                ? Optional.of(new CallSetup.SmartPauses(turns.finishedFrames(), turns.unsureFrames(), turns.silenceFrames()))
                : Optional.empty();
        Calls calls = Calls.start(new CallSetup(() -> new TurnSegmenter(WebRtcVad.create(turns.vadMode()), turnSettings(config)),
                turns.talkTimeout(), services, records, records, new CallSetup.TurnTaking(smart, turns.bargeInFrames())));
        return new CallsAndRecords(calls, records);
    }

    private static TurnDetector.Settings turnSettings(Config config) {
        return TurnDetector.Settings.withSilence(config.turns().silenceFrames());
    }

    /**
     * Starts serving {@code served} on {@code address}; the application owns the calls and their records from
     * now on. {@code metrics} is the registry the services were measured into: the media streams and the server
     * count into it too, and {@code GET /metrics} shows it.
     */
    public static Callbridge start(Config config, InetSocketAddress address, CallsAndRecords served, MetricRegistry metrics)
            throws IOException {
        Calls calls = served.calls();
        SignatureCheck signatures = SignatureCheck.from(config.twilio());
        StreamBinding binding = config.twilio().streamSecret().map(secret -> StreamBinding.withSecret(secret.value()))
                .orElseGet(StreamBinding::withRandomSecret);
        var departures = new RelayDepartures();
        var media = new MediaStreamEndpoint(calls.registry(), calls.setup(), config.server().publicUrl(), signatures, binding,
                MediaStreamMetrics.registerIn(metrics));
        var webhook = new VoiceWebhook(config.server().publicUrl(), signatures, binding, calls.answered()::answered);
        var generate = new GenerateHandler(calls.conversation(), config.apiKey(), departures);
        var callsRoute = new CallsHandler(calls.directory(), served.records(), config.apiKey(), departures);
        var scrape = new MetricsHandler(metrics, config.observability().metricsKey());
        var limits = new Limits(config.server().maxConnections(), config.server().requestTimeout(),
                config.server().mediaIdleTimeout(), Limits.DEFAULT_WRITE_TIMEOUT);
        ServerThreads threads = ServerThreads.start();
        try {
            CallbridgeServer server = CallbridgeServer.start(address,
                    Map.of(Routes.VOICE_WEBHOOK, webhook, Routes.GENERATE, generate, Routes.CALLS, callsRoute,
                            Routes.METRICS, scrape),
                    Map.of(Routes.MEDIA, media), limits, departures,
                    Map.of(CallbridgeServer.INSTANCE_HEADER, config.server().instanceId()), threads);
            registerGauges(metrics, server, calls);
            return new Callbridge(server, threads, served);
        } catch (IOException | RuntimeException e) {
            threads.close();
            calls.close();
            served.records().close();
            throw e;
        }
    }

    /** What is open right now, read at each scrape from what already knows it. */
    private static void registerGauges(MetricRegistry metrics, CallbridgeServer server, Calls calls) {
        metrics.gauge("callbridge_live_calls", "Calls with a live media stream.", calls.registry()::size);
        metrics.gauge("callbridge_draining", "1 while this instance drains: it takes no new calls and exits once"
                + " the calls here have ended.", () -> server.isDraining() ? 1 : 0);
        metrics.gauge("callbridge_calls_needing_instance", "Calls that keep a drain going: live, answered with"
                + " their stream still to come, or ended and still being completed at Twilio.", calls::needingThisInstance);
        metrics.gauge("callbridge_generate_waiting_for_call", "/generate requests waiting for a call that has not"
                + " started here: asked before its stream came, or, when they stay, routed where the call is not.",
                calls.registry()::waitingForCalls);
        metrics.gauge("callbridge_drivers_waiting", "Drivers waiting in /calls/next for a new call; none while new"
                + " calls come means nobody drives them.", calls.directory()::driversWaiting);
        metrics.gauge("callbridge_open_connections", "Open connections on the public port, of every kind.",
                server.frontDoor()::openConnections);
        metrics.gauge("callbridge_open_websockets", "Open WebSocket connections (media streams) on the public port.",
                server.frontDoor()::openWebSockets);
        JvmMetrics.registerIn(metrics);
    }

    public int port() {
        return server.port();
    }

    /**
     * Drains, as a SIGTERM with {@code DRAIN_TIMEOUT} asks: {@code /health} answers 404, so a load balancer
     * sends no new calls here, and everything else goes on serving the calls that are (their streams,
     * restarted ones, {@code /generate}, {@code /calls}). A webhook that still comes, before the load balancer
     * has seen the 404, is answered as ever and its call served here: turning it away would lose the caller.
     * Returns true once no call needs this instance any more ({@link Calls#needingThisInstance}), false when
     * {@code timeout} has passed or {@code endNow} opened first (a second signal); either way
     * {@link #shutdown} comes next and ends what is left.
     */
    public boolean drain(Duration timeout, CountDownLatch endNow) throws InterruptedException {
        server.startDraining();
        long started = System.nanoTime();
        Deadline deadline = Deadline.after(timeout, clock);
        int left = calls.needingThisInstance();
        LOG.log(Level.INFO, "draining: {0} call(s) here; /health answers 404, so the load balancer sends no new"
                + " calls; exiting once they have ended, ending them in {1} s at the latest (signal again to end"
                + " them now)", left, timeout.toSeconds());
        // Three things end a call's need for this instance (its end, its stream's arrival, Twilio's answer to
        // its completion), each on its own thread: a short poll watches them all without hooks in each.
        while (left > 0) {
            if (deadline.hasPassed()) {
                LOG.log(Level.WARNING, "drain timeout: {0} call(s) still here after {1} s, ending them", left,
                        timeout.toSeconds());
                return false;
            }
            if (endNow.await(DRAIN_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.INFO, "draining stopped by a second signal: ending {0} call(s) now", left);
                return false;
            }
            int now = calls.needingThisInstance();
            if (now != left) {
                LOG.log(Level.INFO, "draining: {0} call(s) left", now);
            }
            left = now;
        }
        LOG.log(Level.INFO, "drained in {0} ms: no call left", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return true;
    }

    /**
     * The graceful shutdown a SIGTERM asks for: {@code /health} turns 404 and no new connections are taken;
     * every live call is ended (waiting {@code /generate} calls get the reason, media streams close with
     * 1001) and completed at Twilio in parallel; drivers waiting in {@code /calls/next} get 204 at once;
     * answers still on their way are let out; the ended calls' records and recordings are written; then
     * everything closes. Returns within about {@code grace}.
     */
    public void shutdown(Duration grace) {
        Deadline deadline = Deadline.after(grace, Clock.systemUTC());
        // Calls that ended just before still count: their completion at Twilio is what the grace waits for.
        LOG.log(Level.INFO, "shutting down: ending {0} call(s), {1} ended call(s) still being completed at Twilio, {2} s grace",
                calls.registry().size(), calls.completion().underWay(), grace.toSeconds());
        server.startDraining();
        server.frontDoor().stopAccepting();
        try {
            calls.registry().endAll(CallEnd.shutdown());
            // Drivers waiting in /calls/next for a new call: none will come, and they must not hold the grace.
            calls.directory().stopHandingOut();
            server.frontDoor().closeWebSockets("server shutting down");
            if (!calls.completion().awaitAll(deadline.remaining()) && calls.completion().underWay() > 0) {
                LOG.log(Level.WARNING, "shutdown grace ran out with {0} call(s) not yet completed at Twilio",
                        calls.completion().underWay());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Whatever went wrong above, the calls' records (in what is left of the grace) and the server must
            // close, or records are lost and the server's threads keep the process alive.
            calls.close();
            records.close(deadline.remaining());
            server.close(deadline.remaining());
            threads.close();
        }
        LOG.log(Level.INFO, "shut down");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
