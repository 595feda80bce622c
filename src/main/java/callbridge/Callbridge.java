package callbridge;

import callbridge.call.CallEnd;
import callbridge.call.CallServices;
import callbridge.call.GenerateHandler;
import callbridge.call.MediaStreamEndpoint;
import callbridge.call.SessionManager;
import callbridge.config.Config;
import callbridge.server.CallbridgeServer;
import callbridge.server.Limits;
import callbridge.server.RelayDepartures;
import callbridge.twilio.SignatureCheck;
import callbridge.twilio.StreamBinding;
import callbridge.twilio.VoiceWebhook;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The running application: the server, its routes and the live calls, wired from one {@link Config}.
 * The outside services are passed in, so tests run the real server against stand-ins.
 */
public final class Callbridge implements AutoCloseable {
    public static final String VOICE_WEBHOOK_PATH = "/twilio-voice";
    public static final String GENERATE_PATH = "/generate";
    private static final System.Logger LOG = System.getLogger(Callbridge.class.getName());

    private final CallbridgeServer server;
    private final SessionManager sessions;

    private Callbridge(CallbridgeServer server, SessionManager sessions) {
        this.server = server;
        this.sessions = sessions;
    }

    public static Callbridge start(Config config, InetSocketAddress address, CallServices services) throws IOException {
        SessionManager sessions = new SessionManager(services.callControl(), services.clock());
        SignatureCheck signatures = SignatureCheck.from(config.twilio());
        StreamBinding binding = config.twilio().streamSecret().map(secret -> StreamBinding.withSecret(secret.value()))
                .orElseGet(StreamBinding::withRandomSecret);
        var media = new MediaStreamEndpoint(sessions, services, config.turns(), config.server().publicUrl(), signatures, binding);
        var webhook = new VoiceWebhook(config.server().publicUrl(), signatures, binding);
        var departures = new RelayDepartures();
        var generate = new GenerateHandler(sessions, config.apiKey(), departures, services.clock());
        var limits = new Limits(config.server().maxConnections(), config.server().requestTimeout(),
                config.server().mediaIdleTimeout(), Limits.DEFAULT_WRITE_TIMEOUT);
        CallbridgeServer server = CallbridgeServer.start(address, Map.of(VOICE_WEBHOOK_PATH, webhook, GENERATE_PATH, generate),
                Map.of(StreamBinding.MEDIA_PATH, media), limits, departures);
        return new Callbridge(server, sessions);
    }

    public int port() {
        return server.port();
    }

    public SessionManager sessions() {
        return sessions;
    }

    /**
     * The graceful shutdown a SIGTERM asks for: {@code /health} turns 503 and no new connections are taken;
     * every live call is ended (waiting {@code /generate} calls get the reason, media streams close with
     * 1001) and completed at Twilio in parallel; answers still on their way are let out; then everything
     * closes. Returns within about {@code grace}.
     */
    public void shutdown(Duration grace) {
        Instant deadline = Instant.now().plus(grace);
        // Calls that ended just before still count: their completion at Twilio is what the grace waits for.
        LOG.log(Level.INFO, "shutting down: ending {0} call(s), {1} ended call(s) still being completed at Twilio, {2} s grace",
                sessions.size(), sessions.completionsUnderWay(), grace.toSeconds());
        server.startDraining();
        server.frontDoor().stopAccepting();
        try {
            sessions.endAll(CallEnd.shutdown());
            server.frontDoor().closeWebSockets("server shutting down");
            if (!sessions.awaitCompletions(remaining(deadline)) && sessions.completionsUnderWay() > 0) {
                LOG.log(Level.WARNING, "shutdown grace ran out with {0} call(s) not yet completed at Twilio",
                        sessions.completionsUnderWay());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Whatever went wrong above, the server must close, or its threads keep the process alive.
            sessions.close();
            server.close(remaining(deadline));
        }
        LOG.log(Level.INFO, "shut down");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
