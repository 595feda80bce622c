package callbridge.speech;

import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls one session's {@link RealtimeSpeechToText.Listener} one event at a time, in the order the events
 * were given, on a virtual thread of its own, and never after the end: once {@code onFailed} has been
 * called, or the session closed, whatever is still queued is dropped.
 *
 * <p>Why a thread of its own rather than the caller's: a failure is often noticed on the caller's thread
 * (the media thread adding audio past the bound), and calling the listener there, inside
 * {@code sendAudio}, would let a listener that takes the call's lock meet a caller that already holds it.
 * Why serial rather than the JDK's listener thread: failures are also noticed on other threads (the
 * connect, a send), and the listener must never see two events at once.
 *
 * <p>The queue stays short without a bound of its own: the session asks the WebSocket for its next message
 * only once the previous one has been delivered ({@code then}), and a failure is queued once.
 */
final class SerialListener {
    private static final System.Logger LOG = System.getLogger(SerialListener.class.getName());

    private final RealtimeSpeechToText.Listener listener;
    private final String label;
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set once onFailed is delivered or the session is closed; read and written on any thread. */
    private volatile boolean over;

    SerialListener(RealtimeSpeechToText.Listener listener, String label) {
        this.listener = listener;
        this.label = label;
    }

    /** Delivers a partial transcript, then runs {@code then} (unless the session is over by then). */
    void partial(String text, Runnable then) {
        submit(() -> {
            call(() -> listener.onPartial(text));
            then.run();
        });
    }

    /** Delivers a committed transcript, then runs {@code then} (unless the session is over by then). */
    void committed(String text, Runnable then) {
        submit(() -> {
            call(() -> listener.onCommitted(text));
            then.run();
        });
    }

    /** Delivers the failure after every event given before it; nothing is delivered after it. */
    void failed(SpeechException.Kind kind, String detail) {
        submit(() -> {
            call(() -> listener.onFailed(kind, detail));
            over = true;
        });
    }

    /** Nothing more is delivered from now on; a call already under way finishes. */
    void close() {
        over = true;
    }

    private void submit(Runnable event) {
        events.add(() -> {
            if (!over) {
                event.run();
            }
        });
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("realtime stt " + label).start(this::drain);
        }
    }

    /** Runs the queued events; leaves the queue to the next {@link #submit} only once it is empty. */
    private void drain() {
        while (true) {
            Runnable event = events.poll();
            if (event != null) {
                event.run();
                continue;
            }
            draining.set(false);
            // An event added between the empty poll and the reset found draining still set: take it here.
            if (events.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "realtime speech-to-text " + label + ": the listener failed", e);
        }
    }
}
