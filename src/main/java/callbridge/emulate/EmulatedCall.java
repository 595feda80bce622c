package callbridge.emulate;

import callbridge.audio.Frames;
import callbridge.audio.Wav;
import callbridge.twilio.CallIds;
import callbridge.twilio.MalformedMessageException;
import callbridge.twilio.MediaMessage;
import callbridge.twilio.MediaStreamCommand;
import callbridge.twilio.PlaybackBuffer;
import callbridge.twilio.TwilioMessages;
import callbridge.websocket.ClientConnection;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.CloseFrame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One call's media stream as Twilio plays it, once {@code connected} and {@code start} are sent: the
 * {@link Pacer} calls {@link #tick} when a frame is due; the connection's reader thread hands over what the
 * server sends. Marks are echoed on the tick after playback reaches them (so up to 20 ms after), a
 * {@code clear} echoes every pending mark at once, as Twilio does.
 */
final class EmulatedCall {
    private static final long FRAME_NANOS = Frames.DURATION.toNanos();
    private static final long FRAME_MILLIS = Frames.DURATION.toMillis();
    private static final long GRID_NANOS = 1_000_000;

    private final CallIds ids;
    private final ClientConnection connection;
    private final CallAudio audio;
    private final Optional<Path> out;
    private final long startNanos;
    private final long endNanos;
    /** Guards {@link #playback} and the reply timer: what the server's messages and our frames both move. No I/O under it. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Orders a frame's send against the call's end: once {@link #finish} has set {@link #over} under it, no
     * frame goes out uncounted. Held across one frame's send (which has its own write deadline), and by
     * nothing that reads the server's messages, so a peer that stops reading holds up no reader.
     */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final PlaybackBuffer playback;
    /** Rewritten for every frame, so a frame's send allocates nothing (see {@link Pacer}). */
    private final MediaMessage media;
    private final ReplyTimer replies;
    private final AtomicLong sequence;
    private final AtomicInteger marksEchoed = new AtomicInteger();
    private final AtomicInteger clears = new AtomicInteger();
    private final AtomicInteger problems = new AtomicInteger();
    private final CompletableFuture<CallResult> result = new CompletableFuture<>();
    private volatile boolean hangUp;
    private volatile boolean over;
    private long frames;
    private long nextDueNanos;

    /**
     * @param sequence the stream's message count so far ({@code start} was 1)
     * @param duration when to hang up after the stream started; empty: when the server ends the call
     */
    EmulatedCall(CallIds ids, ClientConnection connection, CallAudio audio, Optional<Duration> duration,
                 Optional<Path> out, long startNanos, long sequence, LatencyHistogram replyLatency) {
        this.ids = ids;
        this.connection = connection;
        this.audio = audio;
        this.out = out;
        this.startNanos = startNanos;
        this.endNanos = duration.map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.playback = new PlaybackBuffer(out.isPresent());
        this.media = new MediaMessage(ids.streamSid());
        this.replies = new ReplyTimer(replyLatency);
        this.sequence = new AtomicLong(sequence);
        // The first frame is due 20 ms after the start, once Twilio has captured it; rounded up to the pacer's
        // 1 ms grid so that calls share wake-ups.
        this.nextDueNanos = Math.ceilDiv(startNanos + FRAME_NANOS, GRID_NANOS) * GRID_NANOS;
    }

    long nextDueNanos() {
        return nextDueNanos;
    }

    /** Ends the call at the next tick: {@code stop}, then a close. */
    void hangUp() {
        hangUp = true;
    }

    CompletableFuture<CallResult> result() {
        return result;
    }

    /**
     * Sends the frame due now and any marks playback has reached. True when the frame went out: the pacer
     * counts exactly these in {@link Health}, and {@link #frames} counts the same, so the call's line and the
     * run's totals agree. False when none did: the call has ended.
     */
    boolean tick(long now) {
        sendLock.lock();
        try {
            if (over) {
                return false;
            }
            if (hangUp || now - endNanos >= 0) {
                hangUp = true;
                connection.sendText(TwilioMessages.stop(sequence.incrementAndGet(), ids.streamSid(), ids.callSid(), ids.accountSid()));
                connection.close(CloseCodes.NORMAL, "call ended");
                return false;
            }
            long index = frames; // 0-based; Twilio numbers chunks from 1
            int length = media.write(sequence.incrementAndGet(), index + 1, index * FRAME_MILLIS, audio.payload(index));
            connection.sendText(media.bytes(), 0, length);
            frames++;
        } catch (IOException e) {
            over = true; // the connection is closing or gone; its reader reports how it ended
            return false;
        } finally {
            sendLock.unlock();
        }
        nextDueNanos += FRAME_NANOS;
        try {
            List<String> reached = reachedMarks(now, frames - 1);
            if (!reached.isEmpty()) { // most frames reach no mark; then not even an iterator is made
                echo(reached);
            }
        } catch (IOException e) {
            over = true; // the frame went out, the echo did not: the next tick finds the call over
        }
        return true;
    }

    /** Reads the server's messages until the connection ends; then completes {@link #result()}. */
    void readUntilClosed() {
        CloseFrame status = connection.readUntilClosed(this::onMessage);
        String ending = hangUp ? "hung up after " + seconds(System.nanoTime() - startNanos)
                : "server closed the stream (" + status.code() + (status.reason().isEmpty() ? "" : " " + status.reason()) + ")";
        result.complete(finish(ending));
    }

    private void onMessage(String text) {
        long now = System.nanoTime();
        Optional<MediaStreamCommand> message;
        try {
            message = TwilioMessages.decode(text);
        } catch (MalformedMessageException e) {
            message = Optional.empty();
        }
        if (message.isEmpty()) {
            problems.incrementAndGet(); // malformed, or an event Twilio does not take: the run counts them
            return;
        }
        List<String> echoNow = List.of();
        lock.lock();
        try {
            switch (message.get()) {
                case MediaStreamCommand.Media media -> {
                    replies.serverAudio(now);
                    playback.audio(media.payload(), now);
                }
                case MediaStreamCommand.Mark mark -> {
                    if (!playback.mark(mark.name(), now)) {
                        problems.incrementAndGet(); // a flood of marks no audio reaches: counted, not kept
                    }
                }
                case MediaStreamCommand.Clear clear -> {
                    clears.incrementAndGet();
                    echoNow = playback.clear(now);
                }
            }
        } finally {
            lock.unlock();
        }
        try {
            echo(echoNow);
        } catch (IOException e) {
            over = true;
        }
    }

    /** The marks playback has reached once frame {@code sent} went out; notes when the caller starts or stops talking. */
    private List<String> reachedMarks(long now, long sent) {
        lock.lock();
        try {
            if (audio.startsSpeech(sent)) {
                replies.callerStarted();
            }
            if (audio.endsSpeech(sent)) {
                replies.callerStopped(now);
            }
            return playback.reachedMarks(now);
        } finally {
            lock.unlock();
        }
    }

    private void echo(List<String> marks) throws IOException {
        for (String name : marks) {
            connection.sendText(TwilioMessages.mark(sequence.incrementAndGet(), ids.streamSid(), name));
            marksEchoed.incrementAndGet();
        }
    }

    /** Ends the call's figures, then writes its WAV with no lock held: the pacer sends every call's frames. */
    private CallResult finish(String ending) {
        long framesSent;
        sendLock.lock();
        try {
            over = true; // under the lock a tick sends under: the frames counted here are all there will be
            framesSent = frames;
        } finally {
            sendLock.unlock();
        }
        byte[] played;
        Duration received;
        Duration dropped;
        ReplyTimer.Replies replyGaps;
        lock.lock();
        try {
            replyGaps = replies.replies();
            played = out.isPresent() ? playback.played() : new byte[0];
            received = Frames.durationOf(playback.receivedBytes());
            dropped = Frames.durationOf(playback.droppedBytes());
        } finally {
            lock.unlock();
        }
        Optional<Path> wav = out.map(dir -> dir.resolve(ids.callSid() + ".wav"));
        Optional<String> failure = Optional.empty();
        if (wav.isPresent()) {
            try {
                Files.write(wav.get(), Wav.fromMuLaw(played));
            } catch (IOException e) {
                failure = Optional.of("writing " + wav.get() + ": " + e.getMessage());
            }
        }
        return new CallResult(ids.callSid(), ending, failure, framesSent, received, dropped, marksEchoed.get(), clears.get(),
                problems.get(), replyGaps, wav);
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }
}
