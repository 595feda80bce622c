package callbridge.call;

import callbridge.audio.Turn;
import callbridge.audio.TurnSegmenter;
import callbridge.speech.SpeechException;
import callbridge.speech.TextToSpeech;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Everything about one live call: its media stream, its turn detection, its transcriptions, its queue of
 * utterances and the digits pressed. Audio arrives on the stream's thread; turns are transcribed by the
 * session's {@link Transcriber}, one after another, so utterances queue in the order they were spoken.
 * Everything the call does is also reported to its {@link CallListener}, whoever observes the call (its record).
 *
 * <p>A call outlives its media stream: when Twilio restarts the stream, the new one takes over this
 * session ({@link #restartStream}), and the turn being spoken, the queue, the budgets ({@link #pace()}) and
 * the record go on as they were. A call's stream may restart {@link #MAX_STREAM_RESTARTS} times.
 */
public final class CallSession {
    /**
     * Twilio restarts a stream rarely (a network fault, a redirect of the call); a client that reopens the
     * stream URL over and over is not Twilio, and each start would cost a connection and a thread.
     */
    public static final int MAX_STREAM_RESTARTS = 10;
    private static final System.Logger LOG = System.getLogger(CallSession.class.getName());

    private final String callSid;
    private final CallStart start;
    /** The call's current media stream; replaced, under {@link #audioLock}, when the stream restarts. */
    private volatile MediaStream stream;
    private final StreamPace pace;
    private final TextToSpeech textToSpeech;
    private final Playback playback;
    /** {@link Playback#isPlaying}, made once: barge-in asks it lazily on the audio thread, every frame. */
    private final BooleanSupplier ourSpeechPlaying;
    private final Clock clock;
    private final CallMetrics metrics;
    /** Guards the segmenter: audio arrives on the stream thread, but the call may be ended from any thread. */
    private final ReentrantLock audioLock = new ReentrantLock();
    private final TurnSegmenter segmenter;
    private final UtteranceQueue utterances = new UtteranceQueue();
    private final Transcriber transcriber;
    /** When the far end's speech over ours stops ours; empty: ours plays on, as in the prototype. Guarded by audioLock. */
    private final Optional<BargeIn> bargeIn;
    /** Realtime speech-to-text, when the server uses it: the call's audio, turns committed as they end. */
    private final Optional<RealtimeTranscript> realtime;
    private final Digits digits;
    private final CallListener listener;
    /** Guarded by {@link #audioLock}. */
    private int streamRestarts;
    /** The far end is in a turn, as of the last audio; for {@link #state()}. */
    private volatile boolean farEndSpeaking;
    /** The far end's turns and speech as they come, for a /generate that cuts into its speech. */
    private final FarEndSpeech farEndSpeech;
    private final AtomicInteger turnsDetected = new AtomicInteger();
    /**
     * Why the call ended, once it has: the first end decides it ({@link #decideEnd}), for good. A future, so that
     * a wait that only makes sense while the call lives (a {@code reply_at} pause) also wakes on it.
     */
    private final CompletableFuture<CallEnd> ended = new CompletableFuture<>();
    /** One /generate at a time per call: a second one gets 409 Conflict. */
    private final AtomicBoolean turnInProgress = new AtomicBoolean();
    private volatile Instant lastActivity;
    private volatile Duration talkTimeout;

    /** @param listener hears everything the call does (see {@link CallObserver}) */
    CallSession(CallStart start, MediaStream stream, TurnSegmenter segmenter, CallServices services,
                CallSetup.TurnTaking turnTaking, Duration talkTimeout, CallListener listener) {
        Clock clock = services.clock();
        CallMetrics metrics = services.metrics();
        String callSid = start.callSid();
        this.callSid = callSid;
        this.start = start;
        this.stream = stream;
        this.segmenter = segmenter;
        this.textToSpeech = services.textToSpeech();
        this.pace = new StreamPace(clock, StreamPace.DEFAULT_BURST);
        this.playback = new Playback(() -> this.stream, clock, listener, metrics);
        this.ourSpeechPlaying = playback::isPlaying;
        this.talkTimeout = talkTimeout;
        this.clock = clock;
        this.metrics = metrics;
        this.lastActivity = start.startedAt();
        this.listener = listener;
        this.bargeIn = turnTaking.bargeInSpeechFrames().map(BargeIn::new);
        this.realtime = services.realtime().map(service -> new RealtimeTranscript(service, callSid, clock, metrics));
        // Without realtime words every pause reads as open: the whole window, as the prototype waits.
        turnTaking.smartPauses().ifPresent(pauses -> segmenter.endTurnsBy(new SmartSilence(
                realtime.<Supplier<String>>map(r -> r::wordsSoFar).orElse(() -> ""), pauses)));
        // The realtime session outlives the call's end by its last commit: it closes once every turn has its text.
        this.transcriber = new Transcriber(callSid, services.speechToText(), utterances, clock, Transcriber.DEFAULT_MAX_WAITING,
                listener, () -> {
                    realtime.ifPresent(RealtimeTranscript::close);
                    listener.allReported();
                }, metrics);
        this.digits = new Digits(callSid);
        this.farEndSpeech = new FarEndSpeech(clock);
    }

    public String callSid() {
        return callSid;
    }

    public String streamSid() {
        return stream.id();
    }

    /** How fast the far end may send, over all the call's streams. */
    public StreamPace pace() {
        return pace;
    }

    /** True while {@code candidate} is the call's media stream: not one a restart replaced. */
    public boolean isCurrent(MediaStream candidate) {
        return stream == candidate;
    }

    /**
     * The call's media stream restarted: {@code next} takes over, and the call goes on as it was (a turn
     * being spoken goes on with the new stream's audio, so it is still one speech-to-text request). Speech
     * of ours still waiting for its mark ends as {@link PlaybackReport.Outcome#STREAM_RESTARTED}: the new
     * stream cannot echo the old one's marks.
     *
     * @return the stream {@code next} replaced, for the caller to retire; empty when the call has ended or
     *         its stream has already restarted {@link #MAX_STREAM_RESTARTS} times, and {@code next} is refused
     */
    Optional<MediaStream> restartStream(MediaStream next) {
        Instant now = clock.instant();
        MediaStream previous;
        audioLock.lock();
        try {
            if (hasEnded() || streamRestarts >= MAX_STREAM_RESTARTS) {
                return Optional.empty();
            }
            streamRestarts++;
            previous = stream;
            stream = next;
            listener.streamRestarted(next.id(), now);
        } finally {
            audioLock.unlock();
        }
        playback.streamRestarted();
        touch();
        LOG.log(Level.INFO, "call {0}: stream restarted as {1} (restart {2} of at most {3})", callSid, next.id(),
                streamRestarts, MAX_STREAM_RESTARTS);
        return Optional.of(previous);
    }

    /** The call as it started: its first stream, its parameters. */
    CallStart start() {
        return start;
    }

    /** What the call is doing now, for {@code GET /calls}: see {@link CallDirectory.LiveCall#state()}. */
    String state() {
        if (hasEnded()) {
            return "ending";
        }
        if (playback.ourAudioPlaying()) {
            return "playing";
        }
        return farEndSpeaking ? "far_end_speaking" : "listening";
    }

    public UtteranceQueue utterances() {
        return utterances;
    }

    public boolean hasEnded() {
        return ended.isDone();
    }

    /**
     * Why the call ended, once it has: the one place that holds it while the session lives; what
     * {@code /generate} answers, the registry remembers and the record keeps are all this.
     */
    public Optional<CallEnd> whyEnded() {
        return Optional.ofNullable(ended.getNow(null));
    }

    /** Inbound audio: any finished turn goes off to be transcribed. */
    public void onAudio(byte[] mulaw) {
        Instant now = clock.instant();
        audioLock.lock();
        try {
            if (hasEnded()) {
                return;
            }
            listener.farEndAudio(mulaw);
            List<Turn> finished = segmenter.accept(mulaw, now);
            boolean inTurn = segmenter.inTurn();
            // Sent before the turns it finished are committed, so each commit holds its turn's last audio.
            // Plain branches and loops, no lambdas: this runs every 20 ms for every call.
            if (realtime.isPresent()) {
                realtime.get().audio(mulaw, inTurn || !finished.isEmpty());
            }
            for (Turn turn : finished) {
                transcribeLater(turn);
            }
            if (bargeIn.isPresent() && bargeIn.get().heard(inTurn, segmenter.speechFramesInTurn(), ourSpeechPlaying)) {
                // Off the audio thread: a clear is a write to a peer that may not be reading.
                Thread.ofVirtual().name("barge-in " + callSid).start(this::interruptPlayback);
            }
            if (inTurn) {
                lastActivity = now;
            }
            if (inTurn != farEndSpeaking) { // written on a change only: a volatile write each frame is a fence each frame
                farEndSpeaking = inTurn;
            }
            farEndSpeech.heard(inTurn, segmenter.speechFramesInTurn(), now);
        } finally {
            audioLock.unlock();
        }
    }

    /** The far end talks over our speech: it stops, and what the far end heard of it is reported. */
    private void interruptPlayback() {
        try {
            int interrupted = playback.interrupt();
            if (interrupted > 0) {
                metrics.bargeIn();
                LOG.log(Level.DEBUG, "call {0}: the far end talked over us: {1} speech(es) stopped", callSid, interrupted);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "call {0}: barge-in clear not sent: {1}", callSid, e.getMessage());
        }
    }

    /** When the far end speaks, for speech of ours cued to its onset. */
    FarEndSpeech farEndSpeech() {
        return farEndSpeech;
    }

    /** What the far end heard of the speech that ended with {@code mark}, if it talked over it; handed out once. */
    Optional<PlaybackReport.Interruption> interruptionOf(String mark) {
        return playback.interruptionOf(mark);
    }

    /**
     * The stream played everything up to the mark {@code name}: the end of our playback. Only our own marks
     * count as activity: a made-up name must not keep an idle call alive past its talk timeout.
     */
    public void onMark(String name) {
        if (playback.onMarkEchoed(name)) {
            touch();
        }
    }

    /** The far end pressed a key; it reaches the driver in the next {@code /generate} answer. */
    public void onDtmf(String digit) {
        LOG.log(Level.INFO, "call {0}: DTMF {1}", callSid, digit);
        digits.add(digit);
        listener.keyPressed(digit, clock.instant());
    }

    /** Digits pressed since the last answer took them, oldest first; they are handed out once. */
    List<String> takeDigits() {
        return digits.takeAll();
    }

    /** Speaks {@code text} into the call; the answer's outcome completes when the stream has played it. */
    Playback.Sent speak(String text) throws SpeechException, IOException {
        if (hasEnded()) {
            // A /generate may find a call that has just ended (ended calls are kept a while): nobody would
            // hear it, so the text-to-speech request is not made at all.
            throw new IOException("call " + callSid + " has ended");
        }
        touch();
        Playback.Sent sent = playback.speak(textToSpeech, text);
        // Sending is faster than real time: the call is busy until the stream has played it all.
        lastActivity = clock.instant().plus(sent.audio());
        return sent;
    }

    /** Claims the call for one /generate; false if another one holds it. */
    boolean beginTurn() {
        touch();
        return turnInProgress.compareAndSet(false, true);
    }

    /** A /generate holds the call now: a driver is serving it. */
    boolean turnHeld() {
        return turnInProgress.get();
    }

    void endTurn() {
        touch();
        turnInProgress.set(false);
    }

    /** Sets how long the call may go without far-end speech or /generate activity. */
    void setTalkTimeout(Duration timeout) {
        talkTimeout = timeout;
        touch();
    }

    /**
     * True when, for the talk timeout, the far end has not spoken, no {@code /generate} has come or gone,
     * and none of our speech has been playing. Waiting for the far end does not count: that silence is
     * what the timeout is for.
     */
    boolean isIdle(Instant now) {
        return Duration.between(lastActivity, now).compareTo(talkTimeout) > 0;
    }

    Duration talkTimeout() {
        return talkTimeout;
    }

    private void touch() {
        lastActivity = clock.instant();
    }

    /**
     * Decides that the call ends for {@code reason}, unless it has ended already: the first reason given is
     * why it ended ({@link #whyEnded}), and no audio is taken from now on. True if this one decided it: the
     * caller then {@linkplain #windDown winds the session down}, once.
     */
    boolean decideEnd(CallEnd reason) {
        audioLock.lock();
        try {
            // Under the lock, so no audio is taken once it is decided. Its only dependents are waits to wake
            // (a reply_at pause's anyOf): completing it runs no code of the call's under the lock.
            return ended.complete(reason);
        } finally {
            audioLock.unlock();
        }
    }

    /** Completes when the call's end is decided, with why. */
    CompletableFuture<CallEnd> ended() {
        return ended;
    }

    /**
     * Ends the session for the reason decided ({@link #decideEnd}). A turn in progress is finished and
     * transcribed, queued transcriptions complete, and only then is the utterance queue closed, so a waiter
     * sees every utterance before it learns the call has ended.
     */
    void windDown() {
        CallEnd reason = whyEnded().orElseThrow(() -> new IllegalStateException("call " + callSid + " has not ended"));
        audioLock.lock();
        try {
            segmenter.finish(clock.instant()).ifPresent(this::transcribeLater);
            segmenter.close();
        } finally {
            audioLock.unlock();
        }
        // The stream first: a speech being sent now then fails, and its waiter hears the call ended,
        // instead of registering a mark after endAll that nobody would ever complete.
        stream.close(reason);
        playback.endAll();
        farEndSpeech.close();
        listener.ended(reason, clock.instant());
        transcriber.finish();
        metrics.callEnded(reason);
        LOG.log(Level.INFO, "call {0}: ended ({1}); {2} turn(s) heard", callSid, reason, turnsDetected.get());
    }

    private void transcribeLater(Turn turn) {
        int number = turnsDetected.incrementAndGet();
        metrics.turnDetected(turn.ending());
        LOG.log(Level.DEBUG, "call {0}: turn {1} ({2} ms of speech, ended by {3} after {4} ms)", callSid, number,
                turn.speechDuration().toMillis(), turn.ending().word(), turn.endSilence().toMillis());
        transcriber.submit(number, turn, realtime.flatMap(RealtimeTranscript::turnEnded));
    }

    @Override
    public String toString() {
        return "call " + callSid + " stream " + streamSid();
    }
}
