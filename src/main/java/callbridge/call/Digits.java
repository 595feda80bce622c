package callbridge.call;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The DTMF digits a call's far end pressed and no {@code /generate} answer has carried yet. Bounded: a
 * finger presses a few keys a second and every answer takes them all, so more than {@link #MAX_WAITING}
 * waiting means nobody is asking; the oldest then give way, and the first loss is logged.
 */
final class Digits {
    static final int MAX_WAITING = 64;
    private static final System.Logger LOG = System.getLogger(Digits.class.getName());

    private final String callSid;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private int dropped;

    Digits(String callSid) {
        this.callSid = callSid;
    }

    void add(String digit) {
        lock.lock();
        try {
            if (waiting.size() == MAX_WAITING) {
                waiting.removeFirst();
                if (dropped++ == 0) {
                    LOG.log(Level.WARNING, "call {0}: {1} DTMF digits wait for a /generate answer; dropping the oldest",
                            callSid, MAX_WAITING);
                }
            }
            waiting.addLast(digit);
        } finally {
            lock.unlock();
        }
    }

    /** Every digit waiting, oldest first; they are handed out once. */
    List<String> takeAll() {
        lock.lock();
        try {
            List<String> all = List.copyOf(waiting);
            waiting.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }
}
