package callbridge.twilio;

import callbridge.call.CallEnd;
import callbridge.call.CallRegistry;
import callbridge.call.CallSession;
import callbridge.call.CallSetup;
import callbridge.call.StreamPace;
import callbridge.logging.LogText;
import callbridge.logging.RateLimitedLog;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.CloseFrame;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketListener;

import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * One media-stream connection, bound to one call: decodes Twilio's messages and drives the call's session.
 * Its {@code start} must name the call the stream's URL was made for; any other closes the stream with
 * 1008 Policy Violation, and no call is joined, ended or completed for it. A {@code start} for a call that
 * is live restarts its stream (the call goes on, see {@link CallRegistry#start}); for a call that has
 * ended, it is refused with 1008. Before {@code start} there is no session; media arriving then is counted
 * and dropped (Twilio always sends {@code start} first, so this only happens with a broken client). A
 * malformed message is ignored (the first one of a stream logged at DEBUG), and the call goes on.
 * A stream that sends faster than real time (see {@link StreamPace}, the call's, so a restart does not
 * reset it) is closed with 1008 Policy Violation and its call ended. Every end of the call's current
 * stream ends the call through the {@link CallRegistry}; a stream a restart replaced ends nothing.
 *
 * <p>{@link #onText} runs on a selector thread shared with other streams (see {@link WebSocketListener}), so
 * it never waits: audio goes to the session (a short lock), while ending a call (stop, a refused stream),
 * which closes the stream, completes the call at Twilio and may grow more work, runs on a thread of its own.
 */
final class MediaStreamListener implements WebSocketListener {
    private static final System.Logger LOG = System.getLogger(MediaStreamListener.class.getName());
    /** Needs a valid stream URL, so it is rare; still, whoever holds one must not flood the log with it. */
    private static final RateLimitedLog FOREIGN_START = RateLimitedLog.of(LOG, Level.WARNING);

    /**
     * Twilio sends {@code connected}, then {@code start}. A connection that sends more before starting is
     * not Twilio, and each such message would be work for nothing: a few are tolerated, then it is closed.
     */
    static final int MAX_MESSAGES_BEFORE_START = 10;
    /** For {@link #admits}: a message that is not media. */
    private static final int OTHER = -1;

    private final CallRegistry calls;
    private final String boundCallSid;
    private final CallSetup setup;
    private final MediaStreamMetrics metrics;
    /** Heard once, when the connection has ended. */
    private final Runnable onClosed;
    /** Heard when {@code start} has been handled: the stream joined its call, or was refused. */
    private final Runnable onStarted;
    /** Messages that came before {@code start}; see {@link #MAX_MESSAGES_BEFORE_START}. */
    private int messagesBeforeStart;
    /** When the message being handled reached {@link #onText}, for {@link MediaStreamMetrics#frameJudged}. */
    private long receivedNanos;
    /** Written on the stream's thread, read by the start deadline's. */
    private volatile CallSession session;
    /** This connection as the call's stream, once it has joined one. */
    private volatile TwilioMediaStream stream;
    /** Why the stream ended its call, once it has: the stream's close that follows ends it the same way. */
    private volatile CallEnd ending;
    private boolean refused;
    private boolean malformedSeen;
    private int mediaBeforeStart;

    MediaStreamListener(CallRegistry calls, String boundCallSid, CallSetup setup, MediaStreamMetrics metrics,
                        Runnable onClosed, Runnable onStarted) {
        this.calls = calls;
        this.boundCallSid = boundCallSid;
        this.setup = setup;
        this.metrics = metrics;
        this.onClosed = onClosed;
        this.onStarted = onStarted;
    }

    /** True while this connection is its call's stream: not before start, not once a restart replaced it. */
    private boolean isCurrent() {
        return session != null && session.isCurrent(stream);
    }

    @Override
    public void onText(WebSocketConnection connection, String message) {
        receivedNanos = System.nanoTime();
        if (refused || (session != null && !isCurrent())) {
            return; // closing, or replaced by the call's new stream: what is still in flight is discarded
        }
        if (session == null && ++messagesBeforeStart > MAX_MESSAGES_BEFORE_START) {
            refuse(connection, "more than " + MAX_MESSAGES_BEFORE_START + " messages before start");
            return;
        }
        Optional<MediaStreamEvent> decoded;
        try {
            decoded = MediaStreamCodec.decode(message);
        } catch (MalformedMessageException e) {
            metrics.malformed();
            if (!admits(OTHER)) {
                refuse(connection, "messages faster than a media stream sends them");
                return;
            }
            // Twilio never sends these: a broken or hostile peer gets one DEBUG line, the rest are only counted.
            if (!malformedSeen) {
                malformedSeen = true;
                LOG.log(Level.DEBUG, "{0}: malformed message ignored (further ones are not logged): {1}", who(connection), e.getMessage());
            }
            return;
        }
        if (decoded.isEmpty()) {
            if (!admits(OTHER)) {
                refuse(connection, "messages faster than a media stream sends them");
            }
            return;
        }
        MediaStreamEvent event = decoded.get();
        if (admits(event instanceof MediaStreamEvent.Media media ? media.payload().length : OTHER)) {
            handle(connection, event);
        } else {
            refuse(connection, event instanceof MediaStreamEvent.Media
                    ? "media faster than real time" : "messages faster than a media stream sends them");
        }
    }

    /**
     * Whether the call's pace admits a message with {@code audioBytes} of audio, or {@link #OTHER}. Before
     * {@code start} there is no call yet, and {@link #MAX_MESSAGES_BEFORE_START} bounds the connection.
     */
    private boolean admits(int audioBytes) {
        if (session == null) {
            return true;
        }
        return audioBytes == OTHER ? session.pace().admitsOther() : session.pace().admitsAudio(audioBytes);
    }

    /** Closes the stream with 1008 and ends its call: a clear outcome, once. */
    private void refuse(WebSocketConnection connection, String why) {
        refused = true;
        LOG.log(Level.INFO, "{0}: {1}; closing with 1008", who(connection), why);
        if (session != null) {
            // The close is decided here, on the frame that broke the limit, not when the call's end gets to
            // it: what the peer goes on sending meanwhile is then discarded as RFC 6455 7.1.2 allows, where
            // it would otherwise run into the frame budget and fail the connection before our close is out.
            connection.close(CloseCodes.POLICY_VIOLATION, why);
            endCall(CallEnd.streamRefused(why));
        } else {
            // Not a call yet: no closing handshake to hold its connection for (see WebSocketConnection#closeNow).
            connection.closeNow(CloseCodes.POLICY_VIOLATION, why);
        }
    }

    @Override
    public void onClose(WebSocketConnection connection, CloseFrame status) {
        onClosed.run();
        if (isCurrent()) {
            // On the connection's own thread, which may wait. A stop or refusal seen before the close may
            // still be ending the call on its thread: whichever comes first, the call ends for that reason.
            CallEnd seen = ending;
            calls.end(session, seen != null ? seen : CallEnd.streamClosed(status.code(), status.reason()));
        }
    }

    /** Ends the call off the selector thread: {@link CallRegistry#end} closes, completes and may wait. */
    private void endCall(CallEnd end) {
        CallSession ended = session;
        if (ending == null) {
            ending = end;
        }
        Thread.ofVirtual().name("end " + ended).start(() -> calls.end(ended, end));
    }

    private void handle(WebSocketConnection connection, MediaStreamEvent event) {
        switch (event) {
            case MediaStreamEvent.Connected connected ->
                    LOG.log(Level.DEBUG, "{0}: connected ({1} {2})", connection, connected.protocol(), connected.version());
            case MediaStreamEvent.Start start -> begin(connection, start);
            case MediaStreamEvent.Media media -> {
                metrics.mediaReceived();
                if (session != null) {
                    session.onAudio(media.payload());
                    metrics.frameJudged(receivedNanos);
                } else if (mediaBeforeStart++ == 0) {
                    LOG.log(Level.DEBUG, "{0}: media before start is dropped", connection);
                }
            }
            case MediaStreamEvent.Mark mark -> {
                if (session != null) {
                    session.onMark(mark.name());
                }
            }
            case MediaStreamEvent.Dtmf dtmf -> {
                if (session != null) {
                    session.onDtmf(dtmf.digit());
                }
            }
            case MediaStreamEvent.Stop stop -> {
                if (isCurrent()) {
                    endCall(CallEnd.hungUp());
                }
            }
        }
    }

    private void begin(WebSocketConnection connection, MediaStreamEvent.Start start) {
        if (session != null) {
            LOG.log(Level.DEBUG, "{0}: second start ignored", session);
            return;
        }
        if (!start.callSid().equals(boundCallSid)) {
            FOREIGN_START.log("{0}: start for another call on the stream of call {1}: closing it", connection, boundCallSid);
            refused = true;
            onStarted.run();
            connection.closeNow(CloseCodes.POLICY_VIOLATION, "start does not name the stream's call");
            return;
        }
        TwilioMediaStream joining = new TwilioMediaStream(connection, start.streamSid());
        // Published before the session: once session is set, isCurrent compares against this stream.
        stream = joining;
        switch (calls.start(boundCallSid, joining, () -> setup.open(boundCallSid, joining, start.customParameters()))) {
            case CallRegistry.StreamStart.NewCall call -> {
                session = call.session();
                LOG.log(Level.INFO, "call {0}: stream {1} started (from {2} to {3}){4}", boundCallSid,
                        LogText.quote(start.streamSid()), LogText.quote(start.customParameters().getOrDefault("From", "?")),
                        LogText.quote(start.customParameters().getOrDefault("To", "?")),
                        mediaBeforeStart > 0 ? "; " + mediaBeforeStart + " media message(s) before start were dropped" : "");
            }
            case CallRegistry.StreamStart.Restarted call -> session = call.session();
            case CallRegistry.StreamStart.Refused refusal -> {
                refused = true;
                FOREIGN_START.log("call {0}: stream {1} refused: {2}; closing with 1008", boundCallSid,
                        LogText.quote(start.streamSid()), refusal.why());
                connection.closeNow(CloseCodes.POLICY_VIOLATION, refusal.why());
            }
        }
        onStarted.run();
    }

    private String who(WebSocketConnection connection) {
        return session != null ? session.toString() : connection.toString();
    }
}
