package callbridge.speech;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * What one realtime session still has to send, in order, with a bound; no I/O and no locking (its session
 * holds the lock). Twilio's 20 ms frames are gathered into chunks of {@code chunkBytes} (100 ms by default):
 * five times fewer messages for the service to take and us to frame, for at most 80 ms more delay on the
 * partial transcripts. A commit flushes what is gathered, inside the commit message itself, so the committed
 * segment ends exactly at the last frame given.
 *
 * <p>The JDK's {@code WebSocket} takes one text send at a time, so the messages wait here until the one in
 * flight is taken. A service that does not read would make them wait forever: past {@code maxQueuedBytes} of
 * audio (counting the chunk in flight and the bytes still being gathered) {@link #addAudio} refuses, and the
 * session fails instead of holding the call's audio without end.
 */
final class AudioOutbox {
    /** One message to send and the audio bytes it carries (for the bound). */
    record Outgoing(String text, int audioBytes) {
    }

    private final int chunkBytes;
    private final int maxQueuedBytes;
    private final Deque<Outgoing> waiting = new ArrayDeque<>();
    private final ByteArrayOutputStream gathering = new ByteArrayOutputStream();
    private Outgoing inFlight;
    private int queuedBytes;

    AudioOutbox(int chunkBytes, int maxQueuedBytes) {
        if (chunkBytes <= 0 || maxQueuedBytes < chunkBytes) {
            throw new IllegalArgumentException("chunk " + chunkBytes + " bytes, bound " + maxQueuedBytes + " bytes");
        }
        this.chunkBytes = chunkBytes;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Gathers {@code mulaw}, queuing a chunk once one is whole; false (nothing kept) when over the bound. */
    boolean addAudio(byte[] mulaw) {
        if ((long) queuedBytes + mulaw.length > maxQueuedBytes) {
            return false;
        }
        gathering.writeBytes(mulaw);
        queuedBytes += mulaw.length;
        if (gathering.size() >= chunkBytes) {
            queue(false);
        }
        return true;
    }

    /** Queues the commit, carrying whatever audio is still being gathered (possibly none). */
    void commit() {
        queue(true);
    }

    /** The next message to send, now marked in flight; empty while one is in flight or none waits. */
    Optional<Outgoing> next() {
        if (inFlight != null || waiting.isEmpty()) {
            return Optional.empty();
        }
        inFlight = waiting.poll();
        return Optional.of(inFlight);
    }

    /** The message in flight was taken by the connection: its audio no longer counts against the bound. */
    void sent() {
        if (inFlight != null) {
            queuedBytes -= inFlight.audioBytes();
            inFlight = null;
        }
    }

    private void queue(boolean commit) {
        byte[] audio = gathering.toByteArray();
        gathering.reset();
        String text = commit ? ScribeRealtimeMessages.commit(audio) : ScribeRealtimeMessages.audioChunk(audio);
        waiting.add(new Outgoing(text, audio.length));
    }
}
