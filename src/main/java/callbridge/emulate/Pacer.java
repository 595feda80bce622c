package callbridge.emulate;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends every call's frames from one thread, at real-time pace. A thread per call sleeping 20 ms between
 * frames would wake thousands of times for each 20 ms; here the calls wait in one queue ordered by when
 * their next frame is due, and the thread sleeps until the earliest. Calls' due times sit on a 1 ms grid
 * (see {@link EmulatedCall}), so the thread wakes at most once a millisecond and sends every frame due by
 * then: at 2,000 calls that is 100 frames a wake-up, not one.
 *
 * <p>Sends are blocking writes of a few hundred bytes, which the kernel's socket buffer takes at once unless
 * the server stopped reading for many seconds; the lateness {@link Health} records would then show it.
 * A frame's send allocates nothing ({@link callbridge.twilio.MediaMessage}, {@code ClientConnection.sendText(byte[], int, int)}):
 * at 50,000 frames a second, 2 KB of garbage per frame meant a young collection every 2 s whose pause held up
 * every call's frames at once.
 */
final class Pacer implements AutoCloseable {
    private final PriorityQueue<EmulatedCall> waiting = new PriorityQueue<>(Comparator.comparingLong(EmulatedCall::nextDueNanos));
    private final Queue<EmulatedCall> arriving = new ConcurrentLinkedQueue<>();
    private final Health health;
    private final Thread thread;
    private volatile boolean stopped;

    private Pacer(Health health) {
        this.health = health;
        // A platform thread: it runs all the time, and a virtual one would only add a carrier hop per wake-up.
        this.thread = Thread.ofPlatform().name("emulate pacer").daemon().unstarted(this::run);
    }

    static Pacer start(Health health) {
        Pacer pacer = new Pacer(health);
        pacer.thread.start();
        return pacer;
    }

    /** Starts sending the call's frames; from any thread. */
    void add(EmulatedCall call) {
        arriving.add(call);
        LockSupport.unpark(thread);
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        while (!stopped) {
            EmulatedCall call;
            while ((call = arriving.poll()) != null) {
                waiting.add(call);
            }
            long now = System.nanoTime();
            while ((call = waiting.peek()) != null && call.nextDueNanos() - now <= 0) {
                waiting.poll();
                long lateness = now - call.nextDueNanos();
                if (call.tick(now)) {
                    health.frameSent(lateness);
                    waiting.add(call);
                }
                now = System.nanoTime();
            }
            if (call == null) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, call.nextDueNanos() - now);
            }
        }
    }
}
