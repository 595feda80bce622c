package callbridge.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Calls whose webhook this instance answered and whose media stream has not started yet. Between the two
 * a call is nowhere else: Twilio opens the stream a moment after it reads the TwiML, and behind a load
 * balancer that stream comes back here (the stick table remembers the webhook's instance). A drain that
 * counted only live calls could exit in that moment and leave the stream nobody to connect to.
 *
 * <p>Bounded in count and time, since anyone who can reach the webhook can add to it: the last
 * {@link #MAX_REMEMBERED} answers, each for {@link #STREAM_PATIENCE}.
 */
public final class AnsweredCalls {
    /** Twilio opens the stream within about a second of the TwiML; past this it is not coming. */
    static final Duration STREAM_PATIENCE = Duration.ofSeconds(15);
    static final int MAX_REMEMBERED = 10_000;

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** When each call's webhook was answered, oldest first; guarded by {@link #lock}. */
    private final LinkedHashMap<String, Instant> answered = new LinkedHashMap<>();

    public AnsweredCalls(Clock clock) {
        this.clock = clock;
    }

    /** The webhook of {@code callSid} was answered with TwiML that streams it here. */
    public void answered(String callSid) {
        lock.lock();
        try {
            answered.remove(callSid);
            answered.put(callSid, clock.instant());
            if (answered.size() > MAX_REMEMBERED) {
                answered.pollFirstEntry();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Answered calls whose stream may still come: not live in {@code registry}, not ended, answered less
     * than {@link #STREAM_PATIENCE} ago. Forgets the others as it counts.
     */
    public int awaitingStream(CallRegistry registry) {
        Instant now = clock.instant();
        lock.lock();
        try {
            Iterator<Map.Entry<String, Instant>> entries = answered.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<String, Instant> entry = entries.next();
                String callSid = entry.getKey();
                if (entry.getValue().plus(STREAM_PATIENCE).isBefore(now) || registry.live(callSid).isPresent()
                        || registry.endedEarlier(callSid).isPresent()) {
                    entries.remove();
                }
            }
            return answered.size();
        } finally {
            lock.unlock();
        }
    }
}
