package callbridge.call;

import callbridge.audio.Turn;
import callbridge.speech.SpeechException;
import callbridge.speech.SpeechToText;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A call's turns on their way to text: transcribed one at a time, on a thread of the call's own, and
 * queued as utterances in the order they were spoken. At most {@code maxWaiting} turns wait behind the one
 * being transcribed (each is a paid speech-to-text request and up to 30 s of audio in memory); when one
 * more comes, the oldest waiting turn gives up its audio and becomes an error utterance in its place,
 * so nothing heard disappears silently and the order is kept. Each utterance is reported to the call's
 * {@link CallListener} before it is queued, and {@code whenDone} runs once the last one has been.
 */
final class Transcriber {
    /** Turns that may wait for speech-to-text per call: a far end speaks one turn at a time. */
    static final int DEFAULT_MAX_WAITING = 3;

    private static final System.Logger LOG = System.getLogger(Transcriber.class.getName());

    /**
     * A turn waiting for speech-to-text; {@code dropped} once it gave up its audio. {@code commit} is its
     * realtime transcription, when there is one: batch is then only the fallback.
     */
    private record Waiting(int number, Turn turn, boolean dropped, Optional<RealtimeTranscript.Commit> commit) {
    }

    private final String callSid;
    private final SpeechToText speechToText;
    private final UtteranceQueue utterances;
    private final Clock clock;
    private final int maxWaiting;
    private final CallListener listener;
    private final Runnable whenDone;
    private final CallMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int droppedCount;
    /** No more turns will come. */
    private boolean finished;

    Transcriber(String callSid, SpeechToText speechToText, UtteranceQueue utterances, Clock clock, int maxWaiting,
                CallListener listener, Runnable whenDone, CallMetrics metrics) {
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting must be at least 1: " + maxWaiting);
        }
        this.callSid = callSid;
        this.speechToText = speechToText;
        this.utterances = utterances;
        this.clock = clock;
        this.maxWaiting = maxWaiting;
        this.listener = listener;
        this.whenDone = whenDone;
        this.metrics = metrics;
        Thread.ofVirtual().name("stt " + callSid).start(this::transcribeInOrder);
    }

    /**
     * Queues a finished turn, never blocking: for batch speech-to-text, or, when {@code commit} is given, for
     * the words realtime speech-to-text is committing.
     */
    void submit(int number, Turn turn, Optional<RealtimeTranscript.Commit> commit) {
        lock.lock();
        try {
            if (waiting.stream().filter(w -> !w.dropped()).count() >= maxWaiting) {
                dropOldestWaiting();
            }
            waiting.addLast(new Waiting(number, turn, false, commit));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more turns will come: the utterance queue is closed once every turn is in it. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void dropOldestWaiting() {
        Waiting[] all = waiting.toArray(Waiting[]::new);
        waiting.clear();
        boolean done = false;
        for (Waiting w : all) {
            if (!done && !w.dropped()) {
                // Its timings stay (the error utterance reports where the speech was); its audio goes.
                waiting.addLast(new Waiting(w.number(), w.turn().withoutAudio(), true, Optional.empty()));
                done = true;
            } else {
                waiting.addLast(w);
            }
        }
        droppedCount++;
        LOG.log(Level.WARNING, "call {0}: {1} turns already waiting for speech-to-text; the oldest is answered as an error ({2} so far)",
                callSid, maxWaiting, droppedCount);
    }

    private void transcribeInOrder() {
        while (true) {
            Waiting next;
            lock.lock();
            try {
                while (waiting.isEmpty() && !finished) {
                    changed.awaitUninterruptibly();
                }
                if (waiting.isEmpty()) {
                    utterances.close();
                    break;
                }
                next = waiting.removeFirst();
            } finally {
                lock.unlock();
            }
            Instant sttStartedAt = next.dropped() ? null : clock.instant();
            Utterance utterance = next.dropped() ? notTranscribed(next)
                    : next.commit().flatMap(commit -> committed(next, commit)).orElseGet(() -> transcribe(next.number(), next.turn()));
            metrics.turnTranscribed(utterance.transcribedBy());
            listener.heard(utterance, Optional.ofNullable(sttStartedAt));
            utterances.add(utterance);
        }
        whenDone.run();
    }

    private Utterance notTranscribed(Waiting dropped) {
        return Utterance.failed(dropped.number(), dropped.turn(), "not transcribed: more than " + maxWaiting
                + " turns were waiting for speech-to-text", clock.instant());
    }

    /**
     * The turn's words from realtime speech-to-text, waiting what is left of the commit's patience; empty
     * when the session failed first or the answer did not come in time (the session is then given up).
     */
    private Optional<Utterance> committed(Waiting turn, RealtimeTranscript.Commit commit) {
        try {
            String words = commit.words().get(Math.max(0, commit.patienceLeft().toNanos()), TimeUnit.NANOSECONDS);
            return Optional.of(Utterance.transcribed(turn.number(), turn.turn(), words, clock.instant(),
                    Utterance.TranscribedBy.REALTIME));
        } catch (TimeoutException e) {
            commit.stalled();
        } catch (ExecutionException e) {
            // the session failed before answering: it has said why, and batch takes the turn
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private Utterance transcribe(int number, Turn turn) {
        try {
            metrics.sttRequested(turn, clock.instant());
            String text = speechToText.transcribe(turn.mulaw());
            return Utterance.transcribed(number, turn, text, clock.instant(), Utterance.TranscribedBy.BATCH);
        } catch (SpeechException | RuntimeException e) {
            LOG.log(Level.WARNING, "call {0}: turn {1} not transcribed: {2}", callSid, number, e.getMessage());
            return Utterance.failed(number, turn, Optional.ofNullable(e.getMessage()).orElse(e.toString()), clock.instant());
        }
    }
}
