package callbridge.call;

import callbridge.audio.TurnDetector;
import callbridge.audio.TurnSegmenter;
import callbridge.audio.WebRtcVad;
import callbridge.config.Config;
import callbridge.http.RequestHead;
import callbridge.http.SimpleResponse;
import callbridge.twilio.PublicAddress;
import callbridge.twilio.SignatureCheck;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /media}: the WebSocket Twilio streams a call's audio to. The upgrade is refused with 403 when
 * its signature does not match; each accepted connection gets a {@link MediaStreamListener} that turns
 * the stream's messages into a {@link CallSession}.
 */
public final class MediaStreamEndpoint implements WebSocketEndpoint {
    /** A stream must send {@code start} within this time of its upgrade. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(MediaStreamEndpoint.class.getName());

    private final SessionManager sessions;
    private final CallServices services;
    private final Config.Turns turns;
    private final Optional<URI> publicUrl;
    private final SignatureCheck signatures;

    public MediaStreamEndpoint(SessionManager sessions, CallServices services, Config.Turns turns,
                               Optional<URI> publicUrl, SignatureCheck signatures) {
        this.sessions = sessions;
        this.services = services;
        this.turns = turns;
        this.publicUrl = publicUrl;
        this.signatures = signatures;
    }

    /**
     * Twilio signs the upgrade request over the exact stream URL from our TwiML, with no parameters
     * (https://www.twilio.com/docs/voice/media-streams#websocket-security).
     */
    @Override
    public Optional<SimpleResponse> refusal(RequestHead request) {
        String streamUrl;
        try {
            streamUrl = PublicAddress.of(publicUrl, request::header).mediaStream();
        } catch (IllegalArgumentException e) {
            return Optional.of(SimpleResponse.error(400, "Bad Request", e.getMessage()));
        }
        return signatures.problem(streamUrl, Map.of(), request.header(SignatureCheck.HEADER)).map(problem -> {
            LOG.log(Level.WARNING, "media stream refused (403): {0}", problem);
            return SimpleResponse.error(403, "Forbidden", "invalid Twilio signature");
        });
    }

    @Override
    public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
        MediaStreamListener listener = new MediaStreamListener(sessions, this::newSession,
                new StreamPace(services.clock(), StreamPace.DEFAULT_BURST));
        Thread.ofVirtual().name(connection + " start deadline").start(() -> closeUnlessStarted(connection, listener));
        return listener;
    }

    /**
     * Twilio sends {@code start} right after {@code connected}. A stream that has not started in time is
     * a broken or idle client holding a connection and a thread: closed with 1008 (RFC 6455 7.4.1).
     */
    private static void closeUnlessStarted(WebSocketConnection connection, MediaStreamListener listener) {
        try {
            Thread.sleep(START_TIMEOUT);
        } catch (InterruptedException e) {
            return;
        }
        if (!listener.started() && connection.isOpen()) {
            LOG.log(Level.INFO, "{0}: no start message within {1} s; closing with 1008", connection, START_TIMEOUT.toSeconds());
            connection.close(CloseCodes.POLICY_VIOLATION, "no start message within " + START_TIMEOUT.toSeconds() + " s");
        }
    }

    private CallSession newSession(callbridge.twilio.MediaStreamEvent.Start start, WebSocketConnection connection) {
        TurnSegmenter segmenter = new TurnSegmenter(WebRtcVad.create(turns.vadMode()),
                TurnDetector.Settings.withSilence(turns.silenceFrames()));
        return new CallSession(start, connection, segmenter, services.speechToText(), services.textToSpeech(),
                turns.talkTimeout(), services.clock());
    }
}
