package callbridge.call;

import callbridge.audio.FrameSplitter;
import callbridge.audio.Frames;
import callbridge.speech.SpeechException;
import callbridge.speech.TextToSpeech;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Our side of a call's audio. Speech is sent to Twilio as {@code media} messages while it is being
 * synthesized (Twilio buffers it and plays in order, so faster than real time is fine), followed by a
 * {@code mark}. Twilio echoes the mark when playback reaches it: the end of our turn. A {@code clear}
 * drops buffered audio and makes Twilio echo every pending mark at once, so marks pending at a clear are
 * remembered as cleared: their echo does not mean the audio was heard. Each speech, and its audio, is
 * reported to the call's {@link CallListener} as it goes.
 *
 * <p>Barge-in ({@link #interrupt}): when the far end talks over us, the speech being synthesized stops
 * (its text-to-speech request is abandoned), Twilio is told to {@code clear} what it holds, and every
 * speech not yet played ends as {@link PlaybackReport.Outcome#INTERRUPTED}, with about how much of it was
 * heard ({@link PlaybackReport.Interruption}). One lock orders these moves against a speech's own, so a speech is never
 * both interrupted and played on.
 */
final class Playback {
    /** The prototype's mark name, numbered per utterance so an echo is matched to the speech it ends. */
    static final String MARK_PREFIX = "endOfPlayback-";

    /**
     * Speech handed to Twilio, waiting to be played.
     *
     * @param mark         the mark that follows it
     * @param audio        how much audio was sent
     * @param firstAudioAt when the first media message went out (null when the speech had no audio)
     * @param outcome      completes when Twilio echoes the mark, the far end interrupts it, or the call ends
     */
    record Sent(String mark, Duration audio, Instant firstAudioAt, CompletableFuture<PlaybackReport.Outcome> outcome) {
    }

    /** A speech whose mark has been sent and not echoed yet. */
    private record Pending(CompletableFuture<PlaybackReport.Outcome> outcome, String text, Instant firstAudioAt,
                           Duration audio) {
    }

    /** The call's current media stream: a restarted stream takes over from the next send on. */
    private final Supplier<MediaStream> stream;
    private final Clock clock;
    private final CallListener listener;
    private final CallMetrics metrics;
    private final AtomicInteger markNumbers = new AtomicInteger();
    /** Orders a speech's moves (synthesizing, then waiting for its mark) against interruptions. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Speeches being synthesized and sent, by the mark they will end with; guarded by {@link #lock}. */
    private final Map<String, Sender> speaking = new HashMap<>();
    private final ConcurrentMap<String, Pending> pendingMarks = new ConcurrentHashMap<>();
    private final Set<String> clearedMarks = ConcurrentHashMap.newKeySet();
    /** What was heard of interrupted speeches, until their {@code /generate} takes it; by mark. */
    private final ConcurrentMap<String, PlaybackReport.Interruption> interruptions = new ConcurrentHashMap<>();

    Playback(Supplier<MediaStream> stream, Clock clock, CallListener listener, CallMetrics metrics) {
        this.stream = stream;
        this.clock = clock;
        this.listener = listener;
        this.metrics = metrics;
    }

    /**
     * Synthesizes {@code text} straight into the call, in whole 20 ms frames as far as the audio allows,
     * then sends the mark. A failure after some audio went out clears it, so no half sentence is played.
     * A barge-in stops it where it is: it then returns at once, its outcome already
     * {@link PlaybackReport.Outcome#INTERRUPTED}.
     */
    Sent speak(TextToSpeech tts, String text) throws SpeechException, IOException {
        String mark = MARK_PREFIX + markNumbers.incrementAndGet();
        listener.speaking(mark, text, clock.instant());
        Sender sender = new Sender(mark, text);
        lock.lock();
        try {
            speaking.put(mark, sender);
        } finally {
            lock.unlock();
        }
        try {
            tts.synthesize(text, chunk -> sender.send(sender.frames.wholeFrames(sender.arrived(chunk))));
            sender.send(sender.frames.paddedRest());
        } catch (BargedIn e) {
            return interrupted(mark, sender);
        } catch (SpeechException | IOException | RuntimeException e) {
            forget(mark);
            listener.failed(mark, Frames.durationOf(sender.bytesSent), String.valueOf(e.getMessage()), clock.instant());
            if (sender.bytesSent > 0 && stream.get().isOpen()) {
                clear();
            }
            throw e;
        }
        Duration audio = Frames.durationOf(sender.bytesSent);
        CompletableFuture<PlaybackReport.Outcome> outcome = new CompletableFuture<>();
        lock.lock();
        try {
            speaking.remove(mark);
            if (sender.cancelled) {
                return interrupted(mark, sender); // the barge-in came between its last audio and its mark
            }
            pendingMarks.put(mark, new Pending(outcome, text, sender.firstAudioAt, audio));
        } finally {
            lock.unlock();
        }
        listener.sent(mark, audio);
        stream.get().sendMark(mark);
        return new Sent(mark, audio, sender.firstAudioAt, outcome);
    }

    /** Twilio echoed a mark; true if it was one of ours still pending, false for any other name. */
    boolean onMarkEchoed(String name) {
        Pending pending = pendingMarks.remove(name);
        if (pending == null) {
            return false;
        }
        PlaybackReport.Outcome result = clearedMarks.remove(name) ? PlaybackReport.Outcome.CLEARED : PlaybackReport.Outcome.PLAYED;
        listener.playbackEnded(name, result, clock.instant());
        pending.outcome().complete(result);
        return true;
    }

    /**
     * True while some speech of ours is being sent, or sent and not yet played (its mark not back). Barge-in
     * asks on every frame of a far-end turn that began over us: a plain loop, no stream made per frame.
     */
    boolean isPlaying() {
        lock.lock();
        try {
            if (!speaking.isEmpty()) {
                return true;
            }
            for (String mark : pendingMarks.keySet()) {
                if (!clearedMarks.contains(mark)) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * True while some speech of ours has had audio go out and is not over: its mark has not come back, and
     * no clear has dropped it.
     */
    boolean ourAudioPlaying() {
        return pendingMarks.entrySet().stream()
                .anyMatch(pending -> pending.getValue().firstAudioAt() != null && !clearedMarks.contains(pending.getKey()));
    }

    /**
     * The far end talks over us: speech being synthesized stops, Twilio drops what it holds, and every
     * speech not yet played ends as interrupted, with what was heard of it ({@link #interruptionOf}).
     * Returns how many speeches it interrupted.
     */
    int interrupt() throws IOException {
        Instant now = clock.instant();
        int interrupted = 0;
        lock.lock();
        try {
            for (Sender sender : speaking.values()) {
                sender.cancelled = true; // its next chunk stops it, and speak() ends it as interrupted
                interrupted++;
            }
            for (String mark : List.copyOf(pendingMarks.keySet())) {
                if (clearedMarks.contains(mark)) {
                    continue;
                }
                Pending pending = pendingMarks.remove(mark);
                interruptions.put(mark, PlaybackReport.Interruption.of(pending.text(), pending.firstAudioAt(), pending.audio(), now));
                listener.playbackEnded(mark, PlaybackReport.Outcome.INTERRUPTED, now);
                pending.outcome().complete(PlaybackReport.Outcome.INTERRUPTED);
                interrupted++;
            }
        } finally {
            lock.unlock();
        }
        if (interrupted > 0) {
            stream.get().sendClear();
            listener.cleared(clock.instant());
        }
        return interrupted;
    }

    /** What was heard of the speech that ended with {@code mark}, if the far end interrupted it; handed out once. */
    Optional<PlaybackReport.Interruption> interruptionOf(String mark) {
        return Optional.ofNullable(interruptions.remove(mark));
    }

    /** Drops whatever Twilio has buffered; marks pending now will come back, but as cleared. */
    void clear() throws IOException {
        clearedMarks.addAll(pendingMarks.keySet());
        stream.get().sendClear();
        listener.cleared(clock.instant());
    }

    /** The call has ended: nobody will echo the pending marks. */
    void endAll() {
        endPending(PlaybackReport.Outcome.CALL_ENDED);
    }

    /** The call's stream restarted: the new stream will not echo the old one's marks. */
    void streamRestarted() {
        endPending(PlaybackReport.Outcome.STREAM_RESTARTED);
    }

    private void endPending(PlaybackReport.Outcome why) {
        for (String mark : List.copyOf(pendingMarks.keySet())) {
            Pending pending = pendingMarks.remove(mark);
            if (pending != null) {
                clearedMarks.remove(mark);
                listener.playbackEnded(mark, why, clock.instant());
                pending.outcome().complete(why);
            }
        }
    }

    /** A speech stopped by a barge-in, on its own thread: noted as interrupted, and whatever it sent since, cleared. */
    private Sent interrupted(String mark, Sender sender) throws IOException {
        forget(mark);
        Duration audio = Frames.durationOf(sender.bytesSent);
        Instant now = clock.instant();
        interruptions.put(mark, PlaybackReport.Interruption.of(sender.text, sender.firstAudioAt, audio, now));
        listener.sent(mark, audio);
        listener.playbackEnded(mark, PlaybackReport.Outcome.INTERRUPTED, now);
        if (sender.bytesSent > 0 && stream.get().isOpen()) {
            stream.get().sendClear(); // a chunk may have gone out after the barge-in's clear
        }
        return new Sent(mark, audio, sender.firstAudioAt, CompletableFuture.completedFuture(PlaybackReport.Outcome.INTERRUPTED));
    }

    private void forget(String mark) {
        lock.lock();
        try {
            speaking.remove(mark);
        } finally {
            lock.unlock();
        }
    }

    /** The far end barged in: stops a speech's synthesis at its next chunk (an IOException, as the sink allows). */
    private static final class BargedIn extends IOException {
        BargedIn() {
            super("the far end talked over us");
        }
    }

    /** One speech's audio on its way out, in whole frames: what was sent, and when it began. */
    private final class Sender {
        private final FrameSplitter frames = new FrameSplitter();
        private final String mark;
        private final String text;
        private long bytesSent;
        private volatile Instant firstAudioAt;
        /** Set by {@link #interrupt}; the sending thread stops at its next chunk. */
        private volatile boolean cancelled;
        /** When text-to-speech's first chunk came ({@link System#nanoTime()}), for {@link CallMetrics#mediaSent}. */
        private long firstChunkNanos;
        private boolean chunkArrived;

        Sender(String mark, String text) {
            this.mark = mark;
            this.text = text;
        }

        /** Notes when the first chunk of audio came from text-to-speech; returns the chunk. */
        byte[] arrived(byte[] chunk) {
            if (!chunkArrived) {
                chunkArrived = true;
                firstChunkNanos = System.nanoTime();
            }
            return chunk;
        }

        void send(byte[] audio) throws IOException {
            if (cancelled) {
                throw new BargedIn();
            }
            if (audio.length == 0) {
                return;
            }
            stream.get().sendAudio(audio);
            metrics.mediaSent(firstAudioAt == null && chunkArrived, firstChunkNanos);
            if (firstAudioAt == null) {
                firstAudioAt = clock.instant();
                listener.firstAudio(mark, firstAudioAt);
            }
            listener.ourAudio(audio);
            bytesSent += audio.length;
        }
    }
}
