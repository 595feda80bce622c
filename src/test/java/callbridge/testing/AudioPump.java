package callbridge.testing;

import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Streams mu-law audio at real-time pace, as a phone line does: one 160-byte frame every 20 ms, on the
 * pump's own virtual thread, so audio from several callers of {@link #play} goes out in order on one
 * timeline.
 *
 * <p>Frame {@code n} of a continuous stretch is due {@code n x 20 ms} after the stretch began, measured on
 * {@link System#nanoTime()}: each frame's time is computed, never accumulated from sleeps, so the stream
 * does not drift. A frame is sent once its 20 ms have passed (the moment Twilio has captured it), so
 * playing {@code N} frames takes {@code N x 20 ms}. If the pump falls behind it sends the late frames at
 * once and is back on schedule. When there is nothing to play the stream pauses, or, with
 * {@link #silenceWhenIdle}, carries on with silence as a real call does.
 */
final class AudioPump {
    static final int FRAME_BYTES = 160;
    static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Sends one frame; called on the pump's thread, in order. */
    @FunctionalInterface
    interface FrameSink {
        void send(byte[] frame);
    }

    private record Segment(byte[] audio, CompletableFuture<Void> played) {
    }

    private static final byte[] SILENT_FRAME = filled(FRAME_BYTES);

    private final BlockingQueue<Segment> queue = new LinkedBlockingQueue<>();
    private final FrameSink sink;
    private final Thread thread;
    private volatile boolean silenceWhenIdle;
    /** Why the pump stopped; set once, before the queue is drained for the last time. */
    private volatile RuntimeException stopped;

    private AudioPump(String name, FrameSink sink) {
        this.sink = sink;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    static AudioPump start(String name, FrameSink sink) {
        AudioPump pump = new AudioPump(name, sink);
        pump.thread.start();
        return pump;
    }

    /** Queues the audio and returns once its last frame (padded with silence) has been sent. */
    void play(byte[] mulaw) {
        Segment segment = new Segment(mulaw.clone(), new CompletableFuture<>());
        queue.add(segment);
        if (stopped != null) {
            failQueued(stopped); // the pump may have drained the queue before our segment got in
        }
        try {
            segment.played.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("audio not streamed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while streaming audio", e);
        }
    }

    void silenceWhenIdle(boolean on) {
        silenceWhenIdle = on;
        queue.add(new Segment(new byte[0], new CompletableFuture<>())); // wakes the pump if it is waiting
    }

    /** Stops after the frame in flight; audio not yet sent is dropped and its {@link #play} fails. */
    void stop() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Segment current = null;
        int offset = 0;
        long lastDue = System.nanoTime();
        try {
            while (true) {
                if (current != null && offset >= current.audio.length) {
                    current.played.complete(null);
                    current = null;
                }
                if (current == null) {
                    current = queue.poll();
                    if (current == null && !silenceWhenIdle) {
                        current = queue.take(); // nothing to say: the stream pauses until there is
                    }
                    if (current != null) {
                        // A pump running late does not catch up into new audio: the new stretch starts
                        // now at the earliest, so no frame of it leaves before its time (nanoTime values
                        // compare by difference).
                        long now = System.nanoTime();
                        if (now - lastDue > 0) {
                            lastDue = now;
                        }
                        offset = 0;
                        continue; // an empty segment completes at once
                    }
                }
                byte[] frame = current == null ? SILENT_FRAME : frameAt(current.audio, offset);
                offset += FRAME_BYTES;
                lastDue += FRAME_NANOS;
                sleepUntil(lastDue);
                sink.send(frame);
            }
        } catch (InterruptedException e) {
            finish(current, new IllegalStateException("the audio stream was stopped"));
        } catch (RuntimeException e) {
            finish(current, e);
        }
    }

    private void finish(Segment current, RuntimeException reason) {
        stopped = reason;
        if (current != null) {
            current.played.completeExceptionally(reason);
        }
        failQueued(reason);
    }

    private void failQueued(RuntimeException reason) {
        Segment segment;
        while ((segment = queue.poll()) != null) {
            segment.played.completeExceptionally(reason);
        }
    }

    /** Sleeps in whole steps until {@code due}; a sleep may end a little early, so check again. */
    private static void sleepUntil(long due) throws InterruptedException {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException(); // stop() between frames: do not send another
        }
    }

    /** 160 bytes from {@code offset}; the clip's last frame is padded with mu-law silence. */
    private static byte[] frameAt(byte[] audio, int offset) {
        byte[] frame = Arrays.copyOfRange(audio, offset, offset + FRAME_BYTES);
        int available = audio.length - offset;
        if (available < FRAME_BYTES) {
            Arrays.fill(frame, available, FRAME_BYTES, SpeechClips.SILENCE);
        }
        return frame;
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, SpeechClips.SILENCE);
        return bytes;
    }
}
