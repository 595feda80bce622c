package callbridge.emulate;

import callbridge.audio.Frames;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Twilio's side of outbound audio, on a clock the caller passes in (nanoseconds): audio the server sends is
 * queued and plays in order at 8,000 bytes a second from when it arrives or the audio before it ends,
 * whichever is later; a mark is reached when everything sent before it has played; {@code clear} drops what
 * has not played yet and reaches every pending mark at once. What was played is kept, when asked, for a WAV.
 * Not thread-safe: its call guards it.
 */
final class PlaybackBuffer {
    private static final long NANOS_PER_BYTE = 1_000_000_000L / Frames.SAMPLE_RATE;

    private record PendingMark(String name, long dueNanos) {
    }

    private final boolean keepAudio;
    private final Deque<PendingMark> marks = new ArrayDeque<>();
    private byte[] audio = new byte[0];
    private int audioBytes;
    private long receivedBytes;
    private long droppedBytes;
    /** When everything queued so far has played; in the past when nothing is queued. */
    private long playsUntil = Long.MIN_VALUE;

    PlaybackBuffer(boolean keepAudio) {
        this.keepAudio = keepAudio;
    }

    void audio(byte[] mulaw, long now) {
        playsUntil = Math.max(playsUntil, now) + mulaw.length * NANOS_PER_BYTE;
        receivedBytes += mulaw.length;
        if (keepAudio) {
            if (audioBytes + mulaw.length > audio.length) {
                audio = Arrays.copyOf(audio, Math.max(audio.length * 2, audioBytes + mulaw.length));
            }
            System.arraycopy(mulaw, 0, audio, audioBytes, mulaw.length);
            audioBytes += mulaw.length;
        }
    }

    void mark(String name, long now) {
        marks.add(new PendingMark(name, Math.max(playsUntil, now)));
    }

    /** Marks whose audio has played by {@code now}, in the order they were sent, removed from the buffer. */
    List<String> reachedMarks(long now) {
        if (marks.isEmpty() || marks.peekFirst().dueNanos() > now) {
            return List.of(); // what most frames find: no list made for them (the pacer must not allocate per frame)
        }
        List<String> reached = new ArrayList<>();
        while (!marks.isEmpty() && marks.peekFirst().dueNanos() <= now) {
            reached.add(marks.removeFirst().name());
        }
        return reached;
    }

    /** Drops the audio not yet played; returns every pending mark, which Twilio then echoes at once. */
    List<String> clear(long now) {
        if (playsUntil > now) {
            int unplayed = (int) Math.min((playsUntil - now) / NANOS_PER_BYTE, receivedBytes - droppedBytes);
            droppedBytes += unplayed;
            audioBytes = keepAudio ? Math.max(0, audioBytes - unplayed) : 0;
            playsUntil = now;
        }
        List<String> all = marks.stream().map(PendingMark::name).toList();
        marks.clear();
        return all;
    }

    /** The audio played (or still to play, not cleared) so far; empty unless kept. */
    byte[] played() {
        return Arrays.copyOf(audio, audioBytes);
    }

    long receivedBytes() {
        return receivedBytes;
    }

    long droppedBytes() {
        return droppedBytes;
    }
}
