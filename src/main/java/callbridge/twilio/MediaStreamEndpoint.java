package callbridge.twilio;

import callbridge.call.CallRegistry;
import callbridge.call.CallSetup;
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
        Optional<SimpleResponse> forbidden = signatures.upgradeProblem(address, request.target(), request.header(TwilioSignature.HEADER))
                .map(problem -> {
                    refusals.log("media stream refused (403): {0}", LogText.quote(problem));
                    return SimpleResponse.error(403, "Forbidden", "invalid Twilio signature");
                });
        return forbidden.or(() -> refusalForItsCall(binding.boundCallSid(request.path()).orElseThrow()));
    }

    /**
     * Refused before the upgrade, where a refusal costs a short HTTP answer rather than a WebSocket and its
     * closing handshake: a call that has ended (in memory, or by its record on disk, so a restart of this
     * server or ten thousand later calls do not bring it back), or one whose URL already holds
     * {@link #MAX_CONNECTIONS_PER_CALL} connections.
     */
    private Optional<SimpleResponse> refusalForItsCall(String callSid) {
        if (calls.live(callSid).isEmpty()
                && (calls.endedEarlier(callSid).isPresent() || setup.records().hasEnded(callSid))) {
            refusals.log("call {0}: media stream refused (410): the call has ended", callSid);
            return Optional.of(SimpleResponse.error(410, "Gone", "the call has ended"));
        }
        if (openByCall.getOrDefault(callSid, 0) >= MAX_CONNECTIONS_PER_CALL) {
            refusals.log("call {0}: media stream refused (429): {1} connections to its stream URL are open", callSid,
                    MAX_CONNECTIONS_PER_CALL);
            return Optional.of(SimpleResponse.error(429, "Too Many Requests", "too many connections for this call"));
        }
        return Optional.empty();
    }

    /** Only called after {@link #refusal} has passed the path, so it holds a bound CallSid. */
    @Override
    public WebSocketListener open(WebSocketConnection connection, RequestHead request) {
        String callSid = binding.boundCallSid(request.path()).orElseThrow();
        // Counted from here to the connection's end; upgrades that raced past the check above overshoot the
        // bound by at most how many arrived at the same moment, and are closed at once.
        boolean admitted = openByCall.merge(callSid, 1, Integer::sum) <= MAX_CONNECTIONS_PER_CALL;
        Thread deadline = Thread.ofVirtual().unstarted(() -> closeUnlessStarted(connection));
        MediaStreamListener listener = new MediaStreamListener(calls, callSid, setup, metrics, () -> {
                    deadline.interrupt(); // a connection that has ended needs no deadline, nor its sleeping thread
                    openByCall.computeIfPresent(callSid, (sid, open) -> open == 1 ? null : open - 1);
                }, deadline::interrupt);
        if (!admitted) {
            connection.closeNow(CloseCodes.POLICY_VIOLATION, "too many connections for this call");
            return listener;
        }
        deadline.setName(connection + " start deadline");
        deadline.start();
        return listener;
    }

    /**
     * Twilio sends {@code start} right after {@code connected}. A stream that has not started in time is
     * a broken or idle client holding a connection and a thread: closed with 1008 (RFC 6455 7.4.1), at once.
     * The listener interrupts the wait when the stream starts or ends, so a thread sleeps only for a
     * connection that is still waiting for its start.
     */
    private static void closeUnlessStarted(WebSocketConnection connection) {
        try {
            Thread.sleep(START_TIMEOUT);
        } catch (InterruptedException e) {
            return;
        }
        LOG.log(Level.INFO, "{0}: no start message within {1} s; closing with 1008", connection, START_TIMEOUT.toSeconds());
        connection.closeNow(CloseCodes.POLICY_VIOLATION, "no start message within " + START_TIMEOUT.toSeconds() + " s");
    }
}
