package callbridge.call;

import callbridge.audio.MuLaw;
import callbridge.audio.TurnDetector;
import callbridge.audio.TurnSegmenter;
import callbridge.audio.VoiceActivityDetector;
import callbridge.metrics.MetricRegistry;
import callbridge.speech.SpeechException;
import callbridge.speech.SpeechToText;
import callbridge.speech.TextToSpeech;
import callbridge.testing.ManualTime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A media stream without a network, for unit tests of the call domain: it records what the call sends
 * and how the stream was closed. {@link #session} makes a session on it with a VAD that calls any frame
 * that is not mu-law silence speech, a speech-to-text that answers {@code "turn N"} and a text-to-speech
 * that says each character as 40 ms of sound. Public for the tests of what observes calls (their records),
 * which drive sessions made here from their own package.
 */
public final class FakeMediaStream implements MediaStream {
    /** One frame of what the fake VAD calls speech. */
    public static final byte[] SPEECH = frame((byte) 0x00);
    public static final byte[] SILENCE = frame(MuLaw.SILENCE);
    /** Silent frames that end a turn for sessions made here. */
    public static final int SILENCE_FRAMES = 5;

    final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    final BlockingQueue<String> marks = new LinkedBlockingQueue<>();
    final CompletableFuture<CallEnd> closed = new CompletableFuture<>();
    final java.util.concurrent.atomic.AtomicInteger clears = new java.util.concurrent.atomic.AtomicInteger();
    /** Completes when a restart of the call's stream replaced this one. */
    final CompletableFuture<Void> retired = new CompletableFuture<>();
    private final String id;

    public FakeMediaStream(String id) {
        this.id = id;
    }

    public static CallServices services(ManualTime time) {
        int[] turns = {0};
        SpeechToText stt = turn -> "turn " + (++turns[0]);
        TextToSpeech tts = (text, sink) -> sink.accept(new byte[text.length() * 320]);
        return new CallServices(stt, tts, Optional.empty(), time, time, CallMetrics.registerIn(new MetricRegistry()), Optional.empty());
    }

    static CallSetup setup(ManualTime time, Duration talkTimeout) {
        return new CallSetup(() -> new TurnSegmenter(new NonSilenceVad(),
                TurnDetector.Settings.withSilence(SILENCE_FRAMES)), talkTimeout, services(time), NoRecords.INSTANCE,
                NoRecords.INSTANCE, CallSetup.TurnTaking.PROTOTYPE);
    }

    /** No records, turns taken as {@code turnTaking} says. */
    static CallSetup setup(CallServices services, CallSetup.TurnTaking turnTaking) {
        return new CallSetup(() -> new TurnSegmenter(new NonSilenceVad(), TurnDetector.Settings.withSilence(SILENCE_FRAMES)),
                Duration.ofMinutes(5), services, NoRecords.INSTANCE, NoRecords.INSTANCE, turnTaking);
    }

    /**
     * As {@link #setup(ManualTime, Duration)}, with {@code services}, the calls observed by {@code records},
     * which also say how calls no longer here ended.
     */
    public static <R extends CallObserver & RecordedEnds> CallSetup setup(Duration talkTimeout, CallServices services,
                                                                          R records) {
        return new CallSetup(() -> new TurnSegmenter(new NonSilenceVad(),
                TurnDetector.Settings.withSilence(SILENCE_FRAMES)), talkTimeout, services, records, records,
                CallSetup.TurnTaking.PROTOTYPE);
    }

    /**
     * Starts the call {@code callSid} on this stream as a media stream's {@code start} does
     * ({@link CallRegistry#start}), its session made by {@code setup}; fails unless it is a new call.
     */
    public CallSession startCall(CallRegistry registry, CallSetup setup, String callSid, Map<String, String> parameters) {
        CallRegistry.StreamStart started = registry.start(callSid, this, () -> setup.open(callSid, this, parameters));
        if (!(started instanceof CallRegistry.StreamStart.NewCall call)) {
            throw new AssertionError("call " + callSid + " did not start: " + started);
        }
        return call.session();
    }

    /** {@link #startCall(CallRegistry, CallSetup, String, Map)} without custom parameters. */
    public CallSession startCall(CallRegistry registry, CallSetup setup, String callSid) {
        return startCall(registry, setup, callSid, Map.of());
    }

    /** Speaks {@code text} into the call as {@code /generate} does, without waiting for its mark; returns the mark. */
    public static String speak(CallSession session, String text) throws SpeechException, IOException {
        return session.speak(text).mark();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void sendAudio(byte[] mulaw) {
        audio.writeBytes(mulaw);
    }

    @Override
    public void sendMark(String name) {
        marks.add(name);
    }

    @Override
    public void sendClear() {
        clears.incrementAndGet();
    }

    @Override
    public void close(CallEnd end) {
        closed.complete(end);
    }

    @Override
    public void retire() {
        retired.complete(null);
    }

    @Override
    public boolean isOpen() {
        return !closed.isDone() && !retired.isDone();
    }

    /** Feeds {@code frames} frames of speech, then enough silence to end the turn. */
    static void speakTurn(CallSession session, int frames) {
        for (int i = 0; i < frames; i++) {
            session.onAudio(SPEECH);
        }
        for (int i = 0; i <= SILENCE_FRAMES; i++) {
            session.onAudio(SILENCE);
        }
    }

    private static byte[] frame(byte value) {
        byte[] frame = new byte[160];
        java.util.Arrays.fill(frame, value);
        return frame;
    }

    private static final class NonSilenceVad implements VoiceActivityDetector {
        @Override
        public boolean isSpeech(short[] frame) {
            return frame[0] != 0;
        }

        @Override
        public void close() {
        }
    }
}
