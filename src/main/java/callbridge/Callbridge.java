package callbridge;

import callbridge.call.CallServices;
import callbridge.call.GenerateHandler;
import callbridge.call.MediaStreamEndpoint;
import callbridge.call.SessionManager;
import callbridge.config.Config;
import callbridge.server.CallbridgeServer;
import callbridge.twilio.PublicAddress;
import callbridge.twilio.SignatureCheck;
import callbridge.twilio.VoiceWebhook;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The running application: the server, its routes and the live calls, wired from one {@link Config}.
 * The outside services are passed in, so tests run the real server against stand-ins.
 */
public final class Callbridge implements AutoCloseable {
    public static final String VOICE_WEBHOOK_PATH = "/twilio-voice";
    public static final String GENERATE_PATH = "/generate";

    private final CallbridgeServer server;
    private final SessionManager sessions;

    private Callbridge(CallbridgeServer server, SessionManager sessions) {
        this.server = server;
        this.sessions = sessions;
    }

    public static Callbridge start(Config config, InetSocketAddress address, CallServices services) throws IOException {
        SessionManager sessions = new SessionManager(services.clock());
        SignatureCheck signatures = SignatureCheck.from(config.twilio());
        var media = new MediaStreamEndpoint(sessions, services, config.turns(), config.server().publicUrl(), signatures);
        var webhook = new VoiceWebhook(config.server().publicUrl(), signatures);
        var generate = new GenerateHandler(sessions, config.apiKey(), services.clock());
        CallbridgeServer server = CallbridgeServer.start(address, Map.of(VOICE_WEBHOOK_PATH, webhook, GENERATE_PATH, generate),
                Map.of(PublicAddress.MEDIA_PATH, media), config.server().mediaIdleTimeout(),
                config.server().maxConnections());
        return new Callbridge(server, sessions);
    }

    public int port() {
        return server.port();
    }

    public SessionManager sessions() {
        return sessions;
    }

    @Override
    public void close() {
        server.startDraining();
        sessions.all().forEach(session -> sessions.end(session, "server shutting down"));
        sessions.close();
        server.close();
    }
}
