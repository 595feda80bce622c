package callbridge.testing;

import callbridge.twilio.PlaybackBuffer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Twilio's playback of what the server sends, in real time: the model is the product's
 * {@link PlaybackBuffer} (audio plays at real time, a mark is echoed when playback reaches it, {@code clear}
 * echoes every pending mark at once) on {@link System#nanoTime()}; this adds the thread that echoes each mark
 * when it is due. Only the clock is modelled, not the sound.
 *
 * <p>Echoes go out in order from one virtual thread that waits on a {@link Condition} until the next mark is due.
 */
final class TwilioPlayback {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PlaybackBuffer buffer = new PlaybackBuffer(false);
    /** Marks reached (or released by a clear) and not yet echoed, in order. */
    private final Deque<String> due = new ArrayDeque<>();
    private final Consumer<String> echo;
    private final Thread thread;
    private boolean stopped;

    private TwilioPlayback(String name, Consumer<String> echo) {
        this.echo = echo;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /** {@code echo} sends the mark message for a name; it is called on the playback thread, in mark order. */
    static TwilioPlayback start(String name, Consumer<String> echo) {
        TwilioPlayback playback = new TwilioPlayback(name, echo);
        playback.thread.start();
        return playback;
    }

    void onMedia(byte[] mulaw) {
        lock.lock();
        try {
            buffer.audio(mulaw, System.nanoTime()); // moves no mark already sent: nobody to wake
        } finally {
            lock.unlock();
        }
    }

    void onMark(String name) {
        lock.lock();
        try {
            buffer.mark(name, System.nanoTime());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onClear() {
        lock.lock();
        try {
            due.addAll(buffer.clear(System.nanoTime()));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            String name;
            while ((name = nextDueMark()) != null) {
                echo.accept(name); // outside the lock: sending may block
            }
        } catch (InterruptedException | RuntimeException e) {
            // stopped, or the connection is gone: nothing more to echo
        }
    }

    /** Waits until the oldest pending mark is due and takes it; null once stopped. */
    private String nextDueMark() throws InterruptedException {
        lock.lock();
        try {
            while (!stopped) {
                if (due.isEmpty()) {
                    due.addAll(buffer.reachedMarks(System.nanoTime()));
                }
                if (!due.isEmpty()) {
                    return due.poll();
                }
                OptionalLong next = buffer.nextMarkDue();
                if (next.isEmpty()) {
                    changed.await();
                } else {
                    changed.awaitNanos(next.getAsLong() - System.nanoTime());
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }
}
