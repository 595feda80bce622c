package callbridge.twilio;

import callbridge.call.CallRegistry;
import callbridge.call.CallSetup;
import callbridge.call.StreamPace;
import callbridge.http.RequestHead;
import callbridge.http.SimpleResponse;
import callbridge.logging.LogText;
import callbridge.logging.RateLimitedLog;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketEndpoint;
import callbridge.websocket.WebSocketListener;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code /media/{CallSid}/{token}}: the WebSocket Twilio streams a call's audio to. The upgrade is refused
 * with 403 unless its path is a stream URL our webhook handed out ({@link StreamBinding}) and its signature
 * matches; each accepted connection gets a {@link MediaStreamListener}, bound to the path's CallSid, that
 * turns the stream's messages into a call's session.
 */
public final class MediaStreamEndpoint implements WebSocketEndpoint {
    /** A stream must send {@code start} within this time of its upgrade. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Connections one call's stream URL may hold open at once: the call's stream, a restart taking over
     * from it, and one more while the replaced one finishes its close. Past it, whoever holds the URL is
     * reopening it in a loop, and each connection would hold a descriptor and a thread.
     */
    static final int MAX_CONNECTIONS_PER_CALL = 3;
    private static final System.Logger LOG = System.getLogger(MediaStreamEndpoint.class.getName());
    private final RateLimitedLog refusals = RateLimitedLog.of(LOG, Level.WARNING);

    private final CallRegistry calls;
    private final CallSetup setup;
    private final Optional<URI> publicUrl;
    private final SignatureCheck signatures;
    private final StreamBinding binding;
    private final MediaStreamMetrics metrics;
    /** Open connections by the CallSid their URL is bound to; an entry leaves with its last connection. */
    private final ConcurrentMap<String, Integer> openByCall = new ConcurrentHashMap<>();

    public MediaStreamEndpoint(CallRegistry calls, CallSetup setup, Optional<URI> publicUrl, SignatureCheck signatures,
                               StreamBinding binding, MediaStreamMetrics metrics) {
        this.calls = calls;
        this.setup = setup;
        this.publicUrl = publicUrl;
        this.signatures = signatures;
        this.binding = binding;
        this.metrics = metrics;
    }

    @Override
    public Optional<SimpleResponse> refusal(RequestHead request) {
        if (binding.boundCallSid(request.path()).isEmpty()) {
            refusals.log("media stream refused (403): not a stream URL this server handed out");
            return Optional.of(SimpleResponse.error(403, "Forbidden", "not a stream URL this server handed out"));
        }
        PublicAddress address;
        try {
            address = PublicAddress.of(publicUrl, request::header);
        } catch (IllegalArgumentException e) {
            return Optional.of(SimpleResponse.error(400, "Bad Request", e.getMessage()));
        }
        return signatures.upgradeProblem(address, request.target(), request.header(SignatureCheck.HEADER)).map(problem -> {
            refusals.log("media stream refused (403): {0}", LogText.quote(problem));
            return SimpleResponse.error(403, "Forbidden", "invalid Twilio signature");
        });
    }

    /** Only called after {@link #refusal} has passed the path, so it holds a bound CallSid. */
    @Override
    public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
        String callSid = binding.boundCallSid(request.path()).orElseThrow();
        boolean admitted = openByCall.merge(callSid, 1, Integer::sum) <= MAX_CONNECTIONS_PER_CALL;
        MediaStreamListener listener = new MediaStreamListener(calls, callSid, setup,
                new StreamPace(setup.services().clock(), StreamPace.DEFAULT_BURST), metrics,
                () -> openByCall.computeIfPresent(callSid, (sid, open) -> open == 1 ? null : open - 1));
        if (!admitted) {
            refusals.log("call {0}: more than {1} connections to its stream URL at once; closing with 1008", callSid,
                    MAX_CONNECTIONS_PER_CALL);
            connection.close(CloseCodes.POLICY_VIOLATION, "too many connections for this call");
            return listener;
        }
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
}
