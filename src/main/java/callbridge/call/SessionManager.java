package callbridge.call;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The live calls, by Twilio CallSid and by media-stream StreamSid. Every way a call ends goes through
 * {@link #end}: the session leaves both maps and is ended exactly once.
 */
public final class SessionManager {
    private final ConcurrentMap<String, CallSession> byCallSid = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CallSession> byStreamSid = new ConcurrentHashMap<>();

    /** Adds a new session; a session already holding its CallSid (a stream restarted) is ended first. */
    void add(CallSession session) {
        CallSession previous = byCallSid.put(session.callSid(), session);
        byStreamSid.put(session.streamSid(), session);
        if (previous != null && previous != session) {
            byStreamSid.remove(previous.streamSid(), previous);
            previous.end("replaced by a new media stream");
        }
    }

    public Optional<CallSession> byCallSid(String callSid) {
        return Optional.ofNullable(byCallSid.get(callSid));
    }

    public Optional<CallSession> byStreamSid(String streamSid) {
        return Optional.ofNullable(byStreamSid.get(streamSid));
    }

    public Collection<CallSession> all() {
        return List.copyOf(byCallSid.values());
    }

    public int size() {
        return byCallSid.size();
    }

    /** Ends the call for {@code reason}; true if this call ended it, false if it had already ended. */
    public boolean end(CallSession session, String reason) {
        byCallSid.remove(session.callSid(), session);
        byStreamSid.remove(session.streamSid(), session);
        return session.end(reason);
    }
}
