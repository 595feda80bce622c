package callbridge.twilio;

import callbridge.audio.Frames;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;

/**
 * Twilio's side of outbound audio, on a clock the caller passes in (nanoseconds): audio the server sends is
 * queued and plays in order at 8,000 bytes a second from when it arrives or the audio before it ends,
 * whichever is later (so a server may send faster than real time); a mark is reached when everything sent
 * before it has played; {@code clear} drops what has not played yet and reaches every pending mark at once
 * (so an echo after a clear does not mean the audio was heard). DESIGN.md, "Flow of one call", step 5.
 *
 * <p>The one model of Twilio's playback, with two drivers: {@code emulate}'s pacer asks for
 * {@link #reachedMarks} on every frame it sends, and the tests' stand-in for Twilio waits on a thread until
 * {@link #nextMarkDue}. What was played is kept only when asked ({@code keepAudio}): {@code emulate} writes
 * it to a WAV, the tests need only the timing. Not thread-safe: its user guards it.
 */
public final class PlaybackBuffer {
    /**
     * Marks waiting for playback at most: one a turn is the usual. Twilio documents no bound; a stand-in for
     * it must have one, or a peer that sends marks and no audio to reach them holds memory without end.
     */
    public static final int MAX_PENDING_MARKS = 1_000;
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

    public PlaybackBuffer(boolean keepAudio) {
        this.keepAudio = keepAudio;
    }

    /** Audio the server sent, arrived at {@code now}. */
    public void audio(byte[] mulaw, long now) {
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

    /**
     * A mark the server sent, arrived at {@code now}: reached once the audio before it has played. False, and
     * not kept, when {@link #MAX_PENDING_MARKS} are already waiting: the caller decides what a flood costs the peer.
     */
    public boolean mark(String name, long now) {
        if (marks.size() >= MAX_PENDING_MARKS) {
            return false;
        }
        marks.add(new PendingMark(name, Math.max(playsUntil, now)));
        return true;
    }

    /** Marks whose audio has played by {@code now}, in the order they were sent, removed from the buffer. */
    public List<String> reachedMarks(long now) {
        if (marks.isEmpty() || marks.peekFirst().dueNanos() > now) {
            return List.of(); // what most frames find: no list made for them (the pacer must not allocate per frame)
        }
        List<String> reached = new ArrayList<>();
        while (!marks.isEmpty() && marks.peekFirst().dueNanos() <= now) {
            reached.add(marks.removeFirst().name());
        }
        return reached;
    }

    /** When the oldest pending mark will be reached; empty when no mark is pending. */
    public OptionalLong nextMarkDue() {
        return marks.isEmpty() ? OptionalLong.empty() : OptionalLong.of(marks.peekFirst().dueNanos());
    }

    /** Drops the audio not yet played; returns every pending mark, which Twilio then echoes at once. */
    public List<String> clear(long now) {
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
    public byte[] played() {
        return Arrays.copyOf(audio, audioBytes);
    }

    public long receivedBytes() {
        return receivedBytes;
    }

    public long droppedBytes() {
        return droppedBytes;
    }
}
