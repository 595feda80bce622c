package callbridge.call;

import callbridge.audio.FrameSplitter;
import callbridge.audio.Frames;
import callbridge.speech.SpeechException;
import callbridge.speech.TextToSpeech;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Our side of a call's audio. Speech is sent to Twilio as {@code media} messages while it is being
 * synthesized (Twilio buffers it and plays in order, so faster than real time is fine), followed by a
 * {@code mark}. Twilio echoes the mark when playback reaches it: the end of our turn. A {@code clear}
 * drops buffered audio and makes Twilio echo every pending mark at once, so marks pending at a clear are
 * remembered as cleared: their echo does not mean the audio was heard. Each speech is noted in the call's
 * {@link CallJournal} (and its audio in the call's recording) as it goes.
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
     * @param outcome completes when Twilio echoes the mark, or the call ends
     */
    record Sent(String mark, Duration audio, Instant firstAudioAt, CompletableFuture<PlaybackReport.Outcome> outcome) {
    }

    /** The call's current media stream: a restarted stream takes over from the next send on. */
    private final Supplier<MediaStream> stream;
    private final Clock clock;
    private final CallJournal journal;
    private final CallMetrics metrics;
    private final AtomicInteger markNumbers = new AtomicInteger();
    private final ConcurrentMap<String, CompletableFuture<PlaybackReport.Outcome>> pendingMarks = new ConcurrentHashMap<>();
    private final Set<String> clearedMarks = ConcurrentHashMap.newKeySet();

    Playback(Supplier<MediaStream> stream, Clock clock, CallJournal journal, CallMetrics metrics) {
        this.stream = stream;
        this.clock = clock;
        this.journal = journal;
        this.metrics = metrics;
    }

    /**
     * Synthesizes {@code text} straight into the call, in whole 20 ms frames as far as the audio allows,
     * then sends the mark. A failure after some audio went out clears it, so no half sentence is played.
     */
    Sent speak(TextToSpeech tts, String text) throws SpeechException, IOException {
        Sender sender = new Sender(journal.speaking(text));
        try {
            tts.synthesize(text, chunk -> sender.send(sender.frames.wholeFrames(sender.arrived(chunk))));
            sender.send(sender.frames.paddedRest());
        } catch (SpeechException | IOException | RuntimeException e) {
            journal.failed(sender.speech, Frames.durationOf(sender.bytesSent), String.valueOf(e.getMessage()));
            if (sender.bytesSent > 0 && stream.get().isOpen()) {
                clear();
            }
            throw e;
        }
        String mark = MARK_PREFIX + markNumbers.incrementAndGet();
        CompletableFuture<PlaybackReport.Outcome> outcome = new CompletableFuture<>();
        pendingMarks.put(mark, outcome);
        journal.sent(sender.speech, Frames.durationOf(sender.bytesSent), mark);
        stream.get().sendMark(mark);
        return new Sent(mark, Frames.durationOf(sender.bytesSent), sender.firstAudioAt, outcome);
    }

    /** Twilio echoed a mark; true if it was one of ours still pending, false for any other name. */
    boolean onMarkEchoed(String name) {
        CompletableFuture<PlaybackReport.Outcome> outcome = pendingMarks.remove(name);
        if (outcome == null) {
            return false;
        }
        PlaybackReport.Outcome result = clearedMarks.remove(name) ? PlaybackReport.Outcome.CLEARED : PlaybackReport.Outcome.PLAYED;
        journal.playbackEnded(name, result);
        outcome.complete(result);
        return true;
    }

    /** Drops whatever Twilio has buffered; marks pending now will come back, but as cleared. */
    void clear() throws IOException {
        clearedMarks.addAll(pendingMarks.keySet());
        stream.get().sendClear();
        journal.cleared();
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
            CompletableFuture<PlaybackReport.Outcome> outcome = pendingMarks.remove(mark);
            if (outcome != null) {
                clearedMarks.remove(mark);
                journal.playbackEnded(mark, why);
                outcome.complete(why);
            }
        }
    }

    /** One speech's audio on its way out, in whole frames: what was sent, and when it began. */
    private final class Sender {
        private final FrameSplitter frames = new FrameSplitter();
        private final CallJournal.Speech speech;
        private long bytesSent;
        private Instant firstAudioAt;
        /** When text-to-speech's first chunk came ({@link System#nanoTime()}), for {@link CallMetrics#mediaSent}. */
        private long firstChunkNanos;
        private boolean chunkArrived;

        /** Notes when the first chunk of audio came from text-to-speech; returns the chunk. */
        byte[] arrived(byte[] chunk) {
            if (!chunkArrived) {
                chunkArrived = true;
                firstChunkNanos = System.nanoTime();
            }
            return chunk;
        }

        Sender(CallJournal.Speech speech) {
            this.speech = speech;
        }

        void send(byte[] audio) throws IOException {
            if (audio.length == 0) {
                return;
            }
            stream.get().sendAudio(audio);
            metrics.mediaSent(firstAudioAt == null && chunkArrived, firstChunkNanos);
            Instant sentAt = firstAudioAt == null || journal.recording().isOn() ? clock.instant() : null;
            if (firstAudioAt == null) {
                firstAudioAt = sentAt;
                journal.firstAudio(speech, sentAt);
            }
            if (journal.recording().isOn()) {
                journal.recording().ours(sentAt, audio);
            }
            bytesSent += audio.length;
        }
    }
}
