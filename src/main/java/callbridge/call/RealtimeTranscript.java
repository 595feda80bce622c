package callbridge.call;

import callbridge.logging.LogText;
import callbridge.logging.RateLimitedLog;
import callbridge.speech.RealtimeSpeechToText;
import callbridge.speech.SpeechException;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One call's realtime transcription ({@code STT_MODE=realtime}): the call's audio goes to a
 * {@link RealtimeSpeechToText} session as it arrives, each turn the turn detector ends is committed, and the
 * committed words become the turn's text, ready almost as soon as the turn ends. The partial words of the
 * turn in progress are kept for the smart end of turn ({@link #wordsSoFar}).
 *
 * <p>Never loses a turn: a turn with no session (it failed, or has not reopened yet) has no {@link Commit}
 * and goes to batch speech-to-text, and so does one whose commit fails or is not answered in time
 * ({@link Commit#stalled}). A session that fails or stalls is closed, one rate-limited line is logged, the
 * failure is counted, and a new session is tried when a later turn begins, after a pause that doubles up to
 * {@link #MAX_REOPEN_PAUSE}.
 *
 * <p>Which committed words belong to which turn: the service answers commits in order, one committed
 * transcript each, so commits wait in a queue. The service also commits on its own (every 90 s without
 * one): such words arriving during a turn are the start of that turn, and between turns they are what our
 * turn detector did not call a turn (a cough, a blip) and are dropped. Partial words that arrive while a
 * commit is unanswered belong to the committed segment, not to the next turn, and are not used.
 */
final class RealtimeTranscript implements RealtimeSpeechToText.Listener, AutoCloseable {
    /** The service commits in about 150 ms; a commit not answered in this time is a stall, and batch takes over. */
    static final Duration COMMIT_PATIENCE = Duration.ofSeconds(2);
    static final Duration FIRST_REOPEN_PAUSE = Duration.ofSeconds(5);
    static final Duration MAX_REOPEN_PAUSE = Duration.ofMinutes(1);
    /** Words one turn may gather from the service's own commits: 30 s of speech is a few hundred. */
    static final int MAX_TURN_CHARS = 10_000;

    private static final System.Logger LOG = System.getLogger(RealtimeTranscript.class.getName());
    private static final RateLimitedLog FAILED = RateLimitedLog.of(LOG, Level.WARNING);

    /**
     * A turn's commit: its words once the service answers, and what to do when it does not in time.
     *
     * @param words completes with the turn's words, or exceptionally when the session failed first
     */
    record Commit(CompletableFuture<String> words, Instant sentAt, RealtimeTranscript transcript) {
        /** How much longer its answer may take, from now, on the call's clock. */
        Duration patienceLeft() {
            return COMMIT_PATIENCE.minus(Duration.between(sentAt, transcript.clock.instant()));
        }

        /** The answer did not come in time: the session is given up, so later answers cannot be misfiled. */
        void stalled() {
            transcript.fail("stalled", "a commit was not answered within " + COMMIT_PATIENCE.toMillis() + " ms");
        }
    }

    private final RealtimeSpeechToText service;
    private final String callSid;
    private final Clock clock;
    private final CallMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private RealtimeSpeechToText.Session session;
    private final ArrayDeque<Commit> commits = new ArrayDeque<>();
    private final StringBuilder turnWords = new StringBuilder();
    private String partial = "";
    private boolean inTurn;
    private boolean closed;
    private Instant reopenAt = Instant.MIN;
    private Duration reopenPause = FIRST_REOPEN_PAUSE;
    /** The turn's words so far, as one string that changes only when the words do (see {@link SmartSilence}). */
    private volatile String wordsSoFar = "";

    RealtimeTranscript(RealtimeSpeechToText service, String callSid, Clock clock, CallMetrics metrics) {
        this.service = service;
        this.callSid = callSid;
        this.clock = clock;
        this.metrics = metrics;
        lock.lock();
        try {
            session = service.open(callSid, this);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The call's audio, on the audio thread, after the turn detector has seen it: sent on as it is. A turn
     * that begins without a session tries to open one, once the pause since the last failure is over.
     */
    void audio(byte[] mulaw, boolean turnInProgress) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (turnInProgress && !inTurn) {
                inTurn = true;
                if (session == null && !clock.instant().isBefore(reopenAt)) {
                    session = service.open(callSid, this);
                }
            }
            if (session != null) {
                session.sendAudio(mulaw); // false once it has failed: its onFailed says why, and ends it here
            }
        } finally {
            lock.unlock();
        }
    }

    /** The turn detector ended a turn: its commit, or empty when there is no session and batch must do it. */
    Optional<Commit> turnEnded() {
        lock.lock();
        try {
            inTurn = false;
            if (session == null || closed || !session.commit()) {
                clearTurn();
                return Optional.empty();
            }
            Commit commit = new Commit(new CompletableFuture<>(), clock.instant(), this);
            commits.addLast(commit);
            partial = ""; // what comes before the commit's answer belongs to the turn just committed
            wordsSoFar = "";
            return Optional.of(commit);
        } finally {
            lock.unlock();
        }
    }

    /** The words of the turn in progress so far (the service's own commits, then its latest partial). */
    String wordsSoFar() {
        return wordsSoFar;
    }

    @Override
    public void onPartial(String text) {
        lock.lock();
        try {
            if (commits.isEmpty() && inTurn) {
                partial = text;
                updateWordsSoFar();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onCommitted(String text) {
        lock.lock();
        try {
            Commit commit = commits.pollFirst();
            if (commit != null) {
                reopenPause = FIRST_REOPEN_PAUSE; // the session works: a later failure starts the pauses afresh
                String words = join(turnWords.toString(), text);
                turnWords.setLength(0);
                commit.words().complete(words);
                return;
            }
            if (inTurn && turnWords.length() + text.length() < MAX_TURN_CHARS) {
                turnWords.append(turnWords.isEmpty() ? "" : " ").append(text.strip());
                partial = "";
                updateWordsSoFar();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onFailed(SpeechException.Kind kind, String detail) {
        fail(kind.label(), detail);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (session != null) {
                session.close();
                session = null;
            }
            failCommits("the call ended");
        } finally {
            lock.unlock();
        }
    }

    /** Gives the session up: its commits go to batch, and a later turn tries a new one after a pause. */
    private void fail(String label, String detail) {
        lock.lock();
        try {
            if (session == null || closed) {
                return; // this failure was already handled, or the call is over
            }
            session.close();
            session = null;
            failCommits(detail);
            clearTurn();
            reopenAt = clock.instant().plus(reopenPause);
            Duration pause = reopenPause;
            reopenPause = reopenPause.multipliedBy(2).compareTo(MAX_REOPEN_PAUSE) > 0 ? MAX_REOPEN_PAUSE : reopenPause.multipliedBy(2);
            metrics.realtimeFailed(label);
            FAILED.log("call {0}: realtime speech-to-text failed ({1}): {2}; batch transcribes its turns, a new session in {3} s",
                    callSid, label, LogText.quote(detail), pause.toSeconds());
        } finally {
            lock.unlock();
        }
    }

    private void failCommits(String why) {
        Commit commit;
        while ((commit = commits.pollFirst()) != null) {
            commit.words().completeExceptionally(new SpeechException(why));
        }
    }

    private void clearTurn() {
        turnWords.setLength(0);
        partial = "";
        wordsSoFar = "";
    }

    private void updateWordsSoFar() {
        wordsSoFar = join(turnWords.toString(), partial);
    }

    private static String join(String first, String second) {
        if (first.isEmpty()) {
            return second.strip();
        }
        return second.isBlank() ? first : first + " " + second.strip();
    }
}
