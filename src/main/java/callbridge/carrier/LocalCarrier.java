package callbridge.carrier;

import callbridge.twilio.CallIds;
import callbridge.twilio.CallStatus;
import callbridge.twilio.OutboundCalls;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A phone network on this machine: places {@code talk}'s calls to a voice agent that speaks Twilio's protocol
 * (its voice webhook, then a Media Streams WebSocket) without Twilio. It plays Twilio to both parties: it
 * answers the agent's number (the agent's webhook, {@code Direction=inbound}), then fetches the caller's
 * instructions from the webhook {@link #place} is given ({@code outbound-api}, as Twilio does once the called
 * party answers), and bridges the two media streams frame by frame at real time ({@link LocalCall}).
 *
 * <p>Unlike Twilio, {@link #place} returns once both streams are open, or throws saying why the agent did not
 * answer (its webhook failed or timed out, answered no TwiML or no stream, a stream that did not upgrade), so
 * a conversation that cannot start ends at once with that reason. A call's end is reached through
 * {@link #hangUp} (a caller's server completes its calls here, as at Twilio) or by either party closing its
 * stream; the ended call's reason stays readable ({@link #endedBecause}) for {@link #KEEP_ENDED} calls.
 */
public final class LocalCarrier implements OutboundCalls {
    private static final System.Logger LOG = System.getLogger(LocalCarrier.class.getName());
    /** The account every local call belongs to: Twilio's shape, no account of anyone's. */
    public static final String ACCOUNT_SID = "AC" + "0".repeat(32);
    /** The keys of a phone keypad, and the fourth column (A-D) some keypads have: what Twilio reports. */
    private static final Pattern KEYS = Pattern.compile("[0-9*#A-D]+");
    /** Ended calls remembered for {@link #status}; older ones read as completed. */
    static final int KEEP_ENDED = 1_000;

    private final URI agentWebhook;
    private final Dialer dialer;
    private final LocalCall.FrameListener frames;
    private final RandomGenerator random = new SecureRandom();
    private final Map<String, LocalCall> calls = new ConcurrentHashMap<>();

    private LocalCarrier(URI agentWebhook, Dialer dialer, LocalCall.FrameListener frames) {
        this.agentWebhook = agentWebhook;
        this.dialer = dialer;
        this.frames = frames;
    }

    /**
     * @param agentWebhook the agent's voice webhook, {@code http://localhost:7860/twilio}
     * @param authToken    signs both parties' webhooks and stream upgrades as Twilio would; empty: unsigned
     */
    public static LocalCarrier to(URI agentWebhook, Optional<String> authToken, HttpClient http) {
        return to(agentWebhook, authToken, http, Dialer.TIMEOUT);
    }

    /** @param timeout how long each party's webhook and stream upgrade may take, Twilio's 15 s by default */
    static LocalCarrier to(URI agentWebhook, Optional<String> authToken, HttpClient http, Duration timeout) {
        return new LocalCarrier(agentWebhook, new Dialer(http, authToken, timeout), LocalCall.FrameListener.NONE);
    }

    /** This carrier, telling {@code frames} how long each frame spent in the bridge. */
    LocalCarrier measuredBy(LocalCall.FrameListener frames) {
        return new LocalCarrier(agentWebhook, dialer, frames);
    }

    /**
     * Calls the agent, then connects {@code webhook}'s stream to it. {@code to} and {@code from} are only what
     * both webhooks are told; {@code record} is not supported here (the server's own recording is kept).
     */
    @Override
    public String place(String to, String from, URI webhook, boolean record) throws IOException {
        CallIds callerIds = CallIds.random(random, ACCOUNT_SID);
        CallIds calledIds = CallIds.random(random, ACCOUNT_SID);
        try {
            Party called = dialer.dial("the agent", agentWebhook, calledIds, from, to, true);
            Party caller;
            try {
                caller = dialer.dial("callbridge", webhook, callerIds, from, to, false);
            } catch (IOException e) {
                called.stop();
                throw e;
            }
            LocalCall call = LocalCall.bridge(caller, called, frames);
            forgetOldest();
            calls.put(call.callSid(), call);
            LOG.log(Level.INFO, "local call {0}: {1} connected to the agent at {2} (its call {3})", call.callSid(), from,
                    agentWebhook, call.calledSid());
            return call.callSid();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the agent was answering", e);
        }
    }

    @Override
    public CallStatus status(String callSid) {
        LocalCall call = calls.get(callSid);
        return call == null ? CallStatus.COMPLETED : call.status();
    }

    /** Ends the call for both parties; a call already over, or unknown here, counts as done. */
    @Override
    public void hangUp(String callSid) {
        LocalCall call = calls.get(callSid);
        if (call != null) {
            call.end("hung up by callbridge (the call was completed through the API)");
        }
    }

    /** Presses the caller's keys on the call: the agent's stream gets one {@code dtmf} message a key, in order. */
    @Override
    public void pressKeys(String callSid, String digits) throws IOException, InterruptedException {
        if (!KEYS.matcher(digits).matches()) {
            throw new IllegalArgumentException("not keys of a keypad (0-9 * # A-D): " + digits);
        }
        LocalCall call = calls.get(callSid);
        if (call == null) {
            throw new IOException("no call " + callSid + " on this carrier");
        }
        call.pressKeys(digits);
    }

    /** Why the call ended (who hung up, what broke a rule); empty while it lasts or when it is unknown here. */
    @Override
    public Optional<String> endedBecause(String callSid) {
        return Optional.ofNullable(calls.get(callSid)).flatMap(LocalCall::endedBecause);
    }

    /** Waits until every call's parties have been told it ended; for a clean exit. True when all had. */
    public boolean awaitAllEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LocalCall call : calls.values()) {
            if (call.endedBecause().isPresent() && !call.awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Ends every call still going: when {@code talk} exits. */
    public void endAll(String why) {
        calls.values().forEach(call -> call.end(why));
    }

    private void forgetOldest() {
        if (calls.size() < KEEP_ENDED) {
            return;
        }
        calls.entrySet().removeIf(entry -> entry.getValue().endedBecause().isPresent());
    }
}
