package callbridge.twilio;

import callbridge.call.CallEnd;
import callbridge.call.CallRegistry;
import callbridge.call.CallSession;
import callbridge.call.CallSetup;
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
 * 1008 Policy Violation, and no call is joined, ended or completed for it. Before
 * {@code start} there is no session; media arriving then is counted and dropped (Twilio always sends
 * {@code start} first, so this only happens with a broken client). A malformed message is ignored (the
 * first one of a stream logged at DEBUG), and the call goes on.
 * A stream that sends faster than real time (see {@link StreamPace}) is closed with 1008 Policy Violation
 * and its call ended. Every end of the stream ends the call through the {@link CallRegistry}.
 *
 * <p>{@link #onText} runs on a selector thread shared with other streams (see {@link WebSocketListener}), so
 * it never waits: audio goes to the session (a short lock), while ending a call (stop, a refused stream),
 * which closes the stream, completes the call at Twilio and may grow more work, runs on a thread of its own.
 */
final class MediaStreamListener implements WebSocketListener {
    private static final System.Logger LOG = System.getLogger(MediaStreamListener.class.getName());
    /** Needs a valid stream URL, so it is rare; still, whoever holds one must not flood the log with it. */
    private static final RateLimitedLog FOREIGN_START = RateLimitedLog.of(LOG, Level.WARNING);

    private final CallRegistry calls;
    private final String boundCallSid;
    private final CallSetup setup;
    private final StreamPace pace;
    private final MediaStreamMetrics metrics;
    /** When the message being handled reached {@link #onText}, for {@link MediaStreamMetrics#frameJudged}. */
    private long receivedNanos;
    /** Written on the stream's thread, read by the start deadline's. */
    private volatile CallSession session;
    /** Why the stream ended its call, once it has: the stream's close that follows ends it the same way. */
    private volatile CallEnd ending;
    private boolean refused;
    private boolean malformedSeen;
    private int mediaBeforeStart;

    MediaStreamListener(CallRegistry calls, String boundCallSid, CallSetup setup, StreamPace pace, MediaStreamMetrics metrics) {
        this.calls = calls;
        this.boundCallSid = boundCallSid;
        this.setup = setup;
        this.pace = pace;
        this.metrics = metrics;
    }

    /** True once {@code start} has made the call's session. */
    boolean started() {
        return session != null;
    }

    @Override
    public void onText(WebSocketConnection connection, String message) {
        receivedNanos = System.nanoTime();
        if (refused) {
            return; // closing: what is still in flight is discarded
        }
        Optional<MediaStreamEvent> decoded;
        try {
            decoded = MediaStreamCodec.decode(message);
        } catch (MalformedMessageException e) {
            metrics.malformed();
            if (!pace.admitsOther()) {
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
            if (!pace.admitsOther()) {
                refuse(connection, "messages faster than a media stream sends them");
            }
            return;
        }
        MediaStreamEvent event = decoded.get();
        boolean admitted = event instanceof MediaStreamEvent.Media media
                ? pace.admitsAudio(media.payload().length) : pace.admitsOther();
        if (admitted) {
            handle(connection, event);
        } else {
            refuse(connection, event instanceof MediaStreamEvent.Media
                    ? "media faster than real time" : "messages faster than a media stream sends them");
        }
    }

    /** Closes the stream with 1008 and ends its call: a clear outcome, once. */
    private void refuse(WebSocketConnection connection, String why) {
        refused = true;
        LOG.log(Level.INFO, "{0}: {1}; closing with 1008", who(connection), why);
        if (session != null) {
            endCall(CallEnd.streamRefused(why));
        } else {
            connection.close(CloseCodes.POLICY_VIOLATION, why);
        }
    }

    @Override
    public void onClose(WebSocketConnection connection, CloseFrame status) {
        if (session != null) {
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
                if (session != null) {
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
            connection.close(CloseCodes.POLICY_VIOLATION, "start does not name the stream's call");
            return;
        }
        session = setup.open(start.callSid(), new TwilioMediaStream(connection, start.streamSid()), start.customParameters());
        calls.add(session);
        LOG.log(Level.INFO, "call {0}: stream {1} started (from {2} to {3}){4}", start.callSid(), start.streamSid(),
                start.customParameters().getOrDefault("From", "?"), start.customParameters().getOrDefault("To", "?"),
                mediaBeforeStart > 0 ? "; " + mediaBeforeStart + " media message(s) before start were dropped" : "");
    }

    private String who(WebSocketConnection connection) {
        return session != null ? session.toString() : connection.toString();
    }
}
