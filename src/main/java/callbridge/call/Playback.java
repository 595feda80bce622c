package callbridge.call;

import callbridge.audio.Frames;
import callbridge.audio.MuLaw;
import callbridge.speech.SpeechException;
import callbridge.speech.TextToSpeech;
import callbridge.twilio.MediaStreamCodec;
import callbridge.websocket.WebSocketConnection;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our side of a call's audio. Speech is sent to Twilio as {@code media} messages while it is being
 * synthesized (Twilio buffers it and plays in order, so faster than real time is fine), followed by a
 * {@code mark}. Twilio echoes the mark when playback reaches it: the end of our turn. A {@code clear}
 * drops buffered audio and makes Twilio echo every pending mark at once, so marks pending at a clear are
 * remembered as cleared: their echo does not mean the audio was heard.
 */
final class Playback {
    /** The seed's mark name, numbered per utterance so an echo is matched to the speech it ends. */
    static final String MARK_PREFIX = "endOfPlayback-";
    private static final int FRAME_BYTES = Frames.SAMPLES;

    /** How a mark's wait ended. */
    enum Outcome {
        /** Twilio played everything up to the mark. */
        PLAYED,
        /** The audio was dropped by a {@code clear}; the echo does not mean it was heard. */
        CLEARED,
        /** The call ended first. */
        CALL_ENDED,
        /** Twilio did not echo the mark in time (reported by the waiter; a mark never completes with it). */
        NOT_ECHOED
    }

    /**
     * Speech handed to Twilio, waiting to be played.
     *
     * @param mark         the mark that follows it
     * @param audio        how much audio was sent
     * @param firstAudioAt when the first media message went out (null when the speech had no audio)
     * @param outcome completes when Twilio echoes the mark, or the call ends
     */
    record Sent(String mark, Duration audio, Instant firstAudioAt, CompletableFuture<Outcome> outcome) {
    }

    private final WebSocketConnection stream;
    private final String streamSid;
    private final Clock clock;
    private final AtomicInteger markNumbers = new AtomicInteger();
    private final ConcurrentMap<String, CompletableFuture<Outcome>> pendingMarks = new ConcurrentHashMap<>();
    private final Set<String> clearedMarks = ConcurrentHashMap.newKeySet();

    Playback(WebSocketConnection stream, String streamSid, Clock clock) {
        this.stream = stream;
        this.streamSid = streamSid;
        this.clock = clock;
    }

    /**
     * Synthesizes {@code text} straight into the call, in whole 20 ms frames as far as the audio allows,
     * then sends the mark. A failure after some audio went out clears it, so no half sentence is played.
     */
    Sent speak(TextToSpeech tts, String text) throws SpeechException, IOException {
        FrameAligner aligner = new FrameAligner();
        try {
            tts.synthesize(text, chunk -> aligner.sendWholeFrames(chunk));
            aligner.sendRest();
        } catch (SpeechException | IOException | RuntimeException e) {
            if (aligner.bytesSent > 0 && stream.isOpen()) {
                clear();
            }
            throw e;
        }
        String mark = MARK_PREFIX + markNumbers.incrementAndGet();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        pendingMarks.put(mark, outcome);
        stream.sendText(MediaStreamCodec.mark(streamSid, mark));
        return new Sent(mark, Frames.durationOf(aligner.bytesSent), aligner.firstAudioAt, outcome);
    }

    /** Twilio echoed a mark. */
    void onMarkEchoed(String name) {
        CompletableFuture<Outcome> outcome = pendingMarks.remove(name);
        if (outcome != null) {
            outcome.complete(clearedMarks.remove(name) ? Outcome.CLEARED : Outcome.PLAYED);
        }
    }

    /** Drops whatever Twilio has buffered; marks pending now will come back, but as cleared. */
    void clear() throws IOException {
        clearedMarks.addAll(pendingMarks.keySet());
        stream.sendText(MediaStreamCodec.clear(streamSid));
    }

    /** The call has ended: nobody will echo the pending marks. */
    void endAll() {
        pendingMarks.values().forEach(outcome -> outcome.complete(Outcome.CALL_ENDED));
        pendingMarks.clear();
    }

    /** Cuts arriving audio into whole frames; keeps the odd bytes for the next chunk. */
    private final class FrameAligner {
        private byte[] rest = new byte[0];
        private long bytesSent;
        private Instant firstAudioAt;

        void sendWholeFrames(byte[] chunk) throws IOException {
            byte[] audio = rest.length == 0 ? chunk : concat(rest, chunk);
            int whole = audio.length - audio.length % FRAME_BYTES;
            rest = Arrays.copyOfRange(audio, whole, audio.length);
            if (whole > 0) {
                send(Arrays.copyOf(audio, whole));
            }
        }

        /** The last partial frame, padded with silence to a whole one. */
        void sendRest() throws IOException {
            if (rest.length > 0) {
                byte[] frame = Arrays.copyOf(rest, FRAME_BYTES);
                Arrays.fill(frame, rest.length, FRAME_BYTES, MuLaw.SILENCE);
                rest = new byte[0];
                send(frame);
            }
        }

        private void send(byte[] audio) throws IOException {
            stream.sendText(MediaStreamCodec.media(streamSid, audio));
            if (firstAudioAt == null) {
                firstAudioAt = clock.instant();
            }
            bytesSent += audio.length;
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] joined = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, joined, a.length, b.length);
            return joined;
        }
    }
}
