package callbridge.carrier;

import callbridge.audio.Frames;
import callbridge.audio.MuLaw;
import callbridge.twilio.PlaybackBuffer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of a local call: what the speaking party sends Twilio, played to the listening party as
 * Twilio plays it, at real time whatever pace it was sent at. Twilio's rules (DESIGN.md, "Flow of one call",
 * step 5) hold for the speaker: its audio queues and plays in order; a mark is echoed once the audio before
 * it has played; {@code clear} drops what has not played and echoes every pending mark at once. The timing
 * of marks and clears is {@link PlaybackBuffer}'s, the one model of Twilio's playback; this class adds the
 * audio itself, cut in 20 ms frames and handed on, and forgets it once sent, so it holds at most
 * {@link #MAX_QUEUED} ahead of playback.
 *
 * <p>The listener hears a frame every 20 ms, as Twilio streams a caller's line: the speaker's audio when it
 * plays, silence between. A frame that arrives while nothing plays goes out at once, not at the next 20 ms
 * slot: that is the bridge's whole added latency, the figure README's "Benchmarks" gives. A frame that
 * arrives while earlier audio still plays waits its turn (the speaker sent ahead of real time). A frame not
 * yet whole (a speaker that sends 10 ms pieces) waits for the rest until its 20 ms would have played, then
 * goes out padded with silence. After the speaker's audio runs out, the first silence frame comes
 * {@link #UNDERRUN_SLACK} late: a speaker that paces its own frames every 20 ms delivers some a little
 * after their slot, and those must join the speech, not have silence cut between.
 *
 * <p>One virtual thread a direction sends ({@link #run}); the speaker's reader thread hands over what arrives
 * ({@link #audio}, {@link #mark}, {@link #clear}). No I/O under the lock.
 */
final class Direction {
    /** How far ahead of playback a speaker may send; more ends the call, so a flood holds bounded memory. */
    static final Duration MAX_QUEUED = Duration.ofSeconds(120);
    static final long UNDERRUN_SLACK = Duration.ofMillis(10).toNanos();
    private static final long FRAME_NANOS = Frames.DURATION.toNanos();
    private static final int FRAME_BYTES = Frames.SAMPLES;
    private static final int MAX_QUEUED_FRAMES = (int) (MAX_QUEUED.toNanos() / FRAME_NANOS);

    /** Told what the direction sends, on its thread; a failure ends the call. */
    interface Output {
        /**
         * @param speech     the speaker's audio, not silence between
         * @param readyNanos when the frame could have gone out: whole and its slot come (when earlier audio
         *                   still played); {@code now} minus this is what the bridge added
         */
        void frame(byte[] mulaw, long now, boolean speech, long readyNanos) throws Exception;

        void marksPlayed(List<String> names) throws Exception;
    }

    /** A frame of the speaker's audio, and when its last byte arrived. */
    private static final class Frame {
        final byte[] bytes = new byte[FRAME_BYTES];
        int filled;
        long wholeAt;
    }

    private static final byte[] SILENCE = silence();

    private final String speaker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PlaybackBuffer playback = new PlaybackBuffer(false);
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    /** When the head frame plays; meaningful while {@link #frames} is not empty. */
    private long headDue;
    /** When the speaker's audio sent so far has played: the line is free from then. */
    private long freeAt = Long.MIN_VALUE;
    /** When the next silence frame is due, while nothing of the speaker's is queued. */
    private long silenceDue;
    private Optional<String> overflow = Optional.empty();
    private boolean over;

    /** @param speaker how the speaking party is named in an overflow's reason */
    Direction(String speaker, long startNanos) {
        this.speaker = speaker;
        this.silenceDue = startNanos + FRAME_NANOS;
    }

    /** Audio the speaker sent, arrived at {@code now}; ends the call beyond {@link #MAX_QUEUED}. */
    void audio(byte[] mulaw, long now) {
        lock.lock();
        try {
            if (frames.isEmpty()) {
                headDue = Math.max(freeAt, now);
            }
            int from = 0;
            while (from < mulaw.length) {
                Frame tail = frames.peekLast();
                if (tail == null || tail.filled == FRAME_BYTES) {
                    if (frames.size() == MAX_QUEUED_FRAMES) {
                        overflow = Optional.of(speaker + " sent audio more than " + MAX_QUEUED.toSeconds()
                                + " s ahead of playback (Twilio plays it at real time)");
                        frames.clear();
                        break;
                    }
                    tail = new Frame();
                    frames.add(tail);
                }
                int length = Math.min(FRAME_BYTES - tail.filled, mulaw.length - from);
                System.arraycopy(mulaw, from, tail.bytes, tail.filled, length);
                tail.filled += length;
                tail.wholeAt = now;
                from += length;
            }
            playback.audio(mulaw, now);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A mark the speaker sent: echoed once the audio before it has played. */
    void mark(String name, long now) {
        lock.lock();
        try {
            if (!playback.mark(name, now)) {
                overflow = Optional.of(speaker + " sent more than " + PlaybackBuffer.MAX_PENDING_MARKS
                        + " marks that are still to play");
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** {@code clear}: what has not played is dropped; returns the pending marks, which Twilio echoes at once. */
    List<String> clear(long now) {
        lock.lock();
        try {
            frames.clear();
            freeAt = Math.min(freeAt, now);
            return playback.clear(now);
        } finally {
            lock.unlock();
        }
    }

    /** Why the speaker must be hung up on, once it sent more than a call may hold. */
    Optional<String> overflow() {
        lock.lock();
        try {
            return overflow;
        } finally {
            lock.unlock();
        }
    }

    /** Ends {@link #run}. */
    void stop() {
        lock.lock();
        try {
            over = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What falls due at one moment: a frame to send (or none), and the marks whose audio has played. {@link #run}
     * fills one and the same for every frame it sends (no allocation per frame); {@link #poll} a new one.
     */
    static final class Due {
        private byte[] frame;
        private boolean speech;
        private long readyNanos;
        private List<String> marks = List.of();

        Optional<byte[]> frame() {
            return Optional.ofNullable(frame);
        }

        /** The speaker's audio, not silence between. */
        boolean speech() {
            return speech;
        }

        /** When the frame could have gone out (see {@link Output#frame}). */
        long readyNanos() {
            return readyNanos;
        }

        List<String> marks() {
            return marks;
        }
    }

    /** Sends frames and echoes marks as they fall due, until {@link #stop} or a failure of {@code output}. */
    void run(Output output) throws Exception {
        Due due = new Due();
        while (true) {
            long now;
            lock.lock();
            try {
                while (true) {
                    if (over || overflow.isPresent()) {
                        return;
                    }
                    now = System.nanoTime();
                    long wake = nextWake();
                    if (wake - now <= 0) {
                        break;
                    }
                    changed.awaitNanos(wake - now);
                }
                dueAt(now, due);
            } finally {
                lock.unlock();
            }
            if (due.frame != null) {
                output.frame(due.frame, now, due.speech, due.readyNanos);
            }
            if (!due.marks.isEmpty()) {
                output.marksPlayed(due.marks);
            }
        }
    }

    /**
     * Takes what is due at {@code now}, as {@link #run} does when it wakes: the pacing on a clock the caller
     * moves, for tests. Call it no earlier than the previous call's {@code now}.
     */
    Due poll(long now) {
        lock.lock();
        try {
            Due due = new Due();
            dueAt(now, due);
            return due;
        } finally {
            lock.unlock();
        }
    }

    /** When {@link #run} next wakes for something due, nothing else arriving before. */
    long nextWakeNanos() {
        lock.lock();
        try {
            return nextWake();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the frame and the marks due at {@code now}, if any, into {@code due}. Under the lock. */
    private void dueAt(long now, Due due) {
        byte[] frame = null;
        boolean speech = false;
        long ready = 0;
        Frame head = frames.peekFirst();
        if (head != null && dueNow(head, now)) {
            frames.removeFirst();
            boolean whole = head.filled == FRAME_BYTES;
            frame = whole ? head.bytes : padded(head);
            speech = true;
            ready = whole ? Math.max(headDue, head.wholeAt) : headDue + FRAME_NANOS;
            freeAt = headDue + FRAME_NANOS;
            headDue = freeAt;
            silenceDue = freeAt + UNDERRUN_SLACK;
        } else if (head == null && silenceDue - now <= 0) {
            frame = SILENCE;
            ready = silenceDue;
            silenceDue = Math.max(silenceDue + FRAME_NANOS, now - FRAME_NANOS);
        }
        due.frame = frame;
        due.speech = speech;
        due.readyNanos = ready;
        due.marks = playback.reachedMarks(now);
    }

    /** When something is next due: the head frame, a silence frame, or a mark. Under the lock. */
    private long nextWake() {
        Frame head = frames.peekFirst();
        long wake = head == null ? silenceDue : head.filled == FRAME_BYTES ? headDue : headDue + FRAME_NANOS;
        var mark = playback.nextMarkDue();
        return mark.isPresent() ? Math.min(wake, mark.getAsLong()) : wake;
    }

    /** A whole frame plays at its slot; a part of one once its 20 ms would have played, as no more came. */
    private boolean dueNow(Frame head, long now) {
        return head.filled == FRAME_BYTES ? headDue - now <= 0 : headDue + FRAME_NANOS - now <= 0;
    }

    private static byte[] padded(Frame head) {
        byte[] whole = head.bytes.clone();
        Arrays.fill(whole, head.filled, FRAME_BYTES, MuLaw.SILENCE);
        return whole;
    }

    private static byte[] silence() {
        byte[] frame = new byte[FRAME_BYTES];
        Arrays.fill(frame, MuLaw.SILENCE);
        return frame;
    }
}
