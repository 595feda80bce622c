package callbridge.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Twilio's side of outbound audio, reduced to timing: audio the server sends is buffered and played at
 * real time, and each mark is echoed when playback reaches it. A {@code clear} drops the buffer and echoes
 * every pending mark at once, as Twilio does (so an echo after a clear does not mean the audio was heard).
 *
 * <p>Only the clock is modelled, not the sound. Echoes go out in order from one virtual thread that waits
 * on a {@link Condition} until the next mark is due.
 */
final class TwilioPlayback {
    private static final long NANOS_PER_BYTE = 1_000_000_000L / SpeechClips.BYTES_PER_SECOND;

    private record PendingMark(String name, long dueNanos) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<PendingMark> pending = new ArrayDeque<>();
    private final Consumer<String> echo;
    private final Thread thread;
    /** When the audio received so far will have played out (a {@link System#nanoTime()} value). */
    private long playedOutAt = System.nanoTime();
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

    void onMedia(int mulawBytes) {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (now - playedOutAt > 0) {
                playedOutAt = now; // the buffer had run dry: this audio starts playing now
            }
            playedOutAt += mulawBytes * NANOS_PER_BYTE;
        } finally {
            lock.unlock();
        }
    }

    void onMark(String name) {
        lock.lock();
        try {
            long now = System.nanoTime();
            pending.add(new PendingMark(name, now - playedOutAt > 0 ? now : playedOutAt));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onClear() {
        lock.lock();
        try {
            long now = System.nanoTime();
            playedOutAt = now;
            Deque<PendingMark> dueNow = new ArrayDeque<>();
            pending.forEach(mark -> dueNow.add(new PendingMark(mark.name(), now)));
            pending.clear();
            pending.addAll(dueNow);
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
                PendingMark next = pending.peek();
                if (next == null) {
                    changed.await();
                    continue;
                }
                long wait = next.dueNanos() - System.nanoTime();
                if (wait <= 0) {
                    return pending.poll().name();
                }
                changed.awaitNanos(wait);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }
}
