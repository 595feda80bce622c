package callbridge.call;

import callbridge.speech.SpeechException;
import callbridge.time.Deadline;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The conversation behind {@code GET /generate}, one turn at a time per call. With {@code input}, the text
 * is spoken into the call and, once the stream has played it, the far end's next utterance is awaited;
 * without, only the next utterance is awaited. Utterances that began before our speech are not answers
 * to it: they come along as {@code heardBefore}.
 *
 * <p>A driver may cue the input ({@link SpeechCue}): spoken at a time it chose, for a human gap after the far
 * end stops, or cut into the far end's speech once that has gone on for a while, to interrupt it. It may
 * also ask for the answer as soon as its speech has played ({@code answer=played}), so that its next
 * request can be the one that cuts into the far end's reply.
 */
public final class Conversation {
    /** The stream echoes a mark when playback reaches it; past the audio's length plus this, we stop waiting. */
    static final Duration MARK_GRACE = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(Conversation.class.getName());

    private final CallRegistry calls;
    private final RecordedEnds records;
    private final Clock clock;

    /** @param records the calls' records, which know how a call ended after the registry has let it go */
    public Conversation(CallRegistry calls, RecordedEnds records, Clock clock) {
        this.calls = calls;
        this.records = records;
        this.clock = clock;
    }

    /**
     * One turn of the call {@code request.callSid()}. Waiting for the call to appear counts toward the
     * timeout; once our speech has played, the wait for the answer gets the whole timeout again.
     *
     * @param clientGone completes when whoever asked has gone away: the turn then gives up at once
     */
    public TurnResult take(TurnRequest request, CompletableFuture<?> clientGone) throws InterruptedException {
        Deadline deadline = Deadline.after(request.timeout(), clock);
        String sid = request.callSid();
        if (calls.live(sid).isEmpty() && calls.endedEarlier(sid).isEmpty()) {
            // Not a call this process knows: it may have ended before the process started, or so many calls
            // ago that only its record is left. Its record says so at once; waiting would only run out the
            // timeout on a call that cannot come. Only here is the disk read: a live call's turns never touch it.
            Optional<CallEnd> recorded = records.recordedEnd(sid);
            if (recorded.isPresent()) {
                return TurnResult.CallEnded.earlier(sid, recorded.get());
            }
        }
        // At once for a live call, one that ended lately (its session kept) or earlier (its end remembered):
        // only a call not here yet is waited for.
        Optional<CallSession> found = calls.awaitCall(sid, request.timeout(), clientGone);
        if (clientGone.isDone()) {
            return new TurnResult.ClientGone();
        }
        if (found.isEmpty()) {
            // Ended long enough ago that its session was let go: nothing is left to hand out but the reason.
            return calls.endedEarlier(sid)
                    .<TurnResult>map(end -> TurnResult.CallEnded.earlier(sid, end))
                    .orElseGet(() -> new TurnResult.NoSuchCall(sid));
        }
        CallSession session = found.get();
        if (!session.beginTurn()) {
            return new TurnResult.Busy(request.callSid());
        }
        try {
            return turn(session, request, deadline, clientGone);
        } finally {
            // Released before the answer is written: a driver that asks again the moment it has the
            // answer must find the call free, not get 409.
            session.endTurn();
        }
    }

    private TurnResult turn(CallSession session, TurnRequest request, Deadline deadline,
                            CompletableFuture<?> clientGone) throws InterruptedException {
        request.talkTimeout().ifPresent(session::setTalkTimeout);
        Optional<PlaybackReport> playback = Optional.empty();
        Optional<TurnResult.CutIn> cutIn = Optional.empty();
        Instant cut = Instant.MIN; // without speech of ours, any utterance answers
        if (request.input().isPresent()) {
            Cued cued = awaitCue(session, request.cue(), deadline, clientGone);
            if (clientGone.isDone()) {
                return new TurnResult.ClientGone();
            }
            if (!cued.speak()) {
                if (!session.hasEnded()) {
                    // No far-end speech to cut into within the timeout: nothing heard, and nothing said.
                    return new TurnResult.NothingHeard();
                }
                cut = Instant.MAX; // the call ended first: only what is left to hand out, no answer
            } else {
                cutIn = cued.cutIn();
                cut = clock.instant();
                try {
                    playback = Optional.of(play(session, request.input().get(), clientGone));
                } catch (SpeechException e) {
                    LOG.log(Level.WARNING, "call {0}: our speech not played, text-to-speech failed: {1}", session.callSid(), e.getMessage());
                    return new TurnResult.SpeechFailed(e.getMessage(), session.utterances().drain());
                }
                cut = playback.get().startedAt().orElse(cut);
                if (request.answerOncePlayed() && !clientGone.isDone()) {
                    return new TurnResult.Played(session.callSid(), playback.get(), cutIn);
                }
                deadline = Deadline.after(request.timeout(), clock);
            }
        }
        UtteranceQueue.Next next = session.utterances().takeAnswer(cut, deadline.remaining(), clientGone);
        return switch (next) {
            case UtteranceQueue.NothingYet nothing ->
                    clientGone.isDone() ? new TurnResult.ClientGone() : new TurnResult.NothingHeard();
            case UtteranceQueue.Heard heard -> new TurnResult.Heard(session.callSid(), heard.utterance(),
                    heard.heardBefore(), playback, session.takeDigits(), cutIn);
            case UtteranceQueue.Ended ended -> new TurnResult.CallEnded(session.callSid(), session.whyEnded().orElseThrow(),
                    ended.heardBefore(), playback, session.takeDigits(), cutIn);
        };
    }

    /** Whether the input is to be spoken now, and the far-end speech it cuts into, if it was cued to one. */
    private record Cued(boolean speak, Optional<TurnResult.CutIn> cutIn) {
    }

    /**
     * Waits for the moment the input was cued to, within the turn's timeout. A wait for a time
     * ({@code reply_at}) ends at the deadline at the latest and then speaks; a wait for the far end's speech
     * ({@code interrupt_after_ms}) that sees none does not speak: cutting into silence is not what was asked.
     */
    private Cued awaitCue(CallSession session, SpeechCue cue, Deadline deadline, CompletableFuture<?> clientGone)
            throws InterruptedException {
        return switch (cue) {
            case SpeechCue.Now now -> new Cued(true, Optional.empty());
            case SpeechCue.At at -> {
                // A call that ends before the moment (or has already) has nothing to wait for: speaking then
                // fails at once, and the answer says the call is over, as it does without a cue.
                pauseUntil(at.instant(), deadline, CompletableFuture.anyOf(clientGone, session.ended()));
                yield new Cued(true, Optional.empty());
            }
            case SpeechCue.IntoFarEndSpeech into -> {
                Optional<Instant> onset = session.farEndSpeech().awaitTurnLasting(into.after(), deadline.remaining(), clientGone);
                yield new Cued(onset.isPresent(), onset.map(TurnResult.CutIn::new));
            }
        };
    }

    /** Waits until {@code instant} (or the deadline, if sooner); {@code cutShort} (the client left, the call ended) ends it at once. */
    private void pauseUntil(Instant instant, Deadline deadline, CompletableFuture<?> cutShort) throws InterruptedException {
        Duration untilThen = Duration.between(clock.instant(), instant);
        Duration wait = untilThen.compareTo(deadline.remaining()) < 0 ? untilThen : deadline.remaining();
        if (wait.isNegative() || wait.isZero()) {
            return; // already past: the driver was slower than the gap it asked for
        }
        try {
            cutShort.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the moment has come
        } catch (ExecutionException e) {
            // a departure that failed is still a departure: the caller sees clientGone done
        }
    }

    /** Speaks, then waits for the stream to echo the mark (or the call to end, or the client to leave). */
    private PlaybackReport play(CallSession session, String text, CompletableFuture<?> clientGone)
            throws SpeechException, InterruptedException {
        Playback.Sent sent;
        try {
            sent = session.speak(text);
        } catch (IOException e) {
            // The media stream is gone: the call is ending, and the utterance wait reports why.
            return new PlaybackReport(Optional.empty(), Duration.ZERO, PlaybackReport.Outcome.CALL_ENDED,
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        Duration patience = sent.audio().plus(MARK_GRACE);
        try {
            CompletableFuture.anyOf(sent.outcome(), clientGone).get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "call {0}: Twilio did not echo {1} within {2} ms", session.callSid(), sent.mark(),
                    patience.toMillis());
        } catch (ExecutionException e) {
            throw new IllegalStateException("mark outcomes complete normally", e);
        }
        // Not done: the time ran out, or the client left (and the turn then answers nobody).
        PlaybackReport.Outcome outcome = sent.outcome().getNow(PlaybackReport.Outcome.NOT_ECHOED);
        Optional<Instant> playedAt = outcome == PlaybackReport.Outcome.PLAYED ? Optional.of(clock.instant()) : Optional.empty();
        return new PlaybackReport(Optional.of(sent.mark()), sent.audio(), outcome, Optional.ofNullable(sent.firstAudioAt()),
                playedAt, outcome == PlaybackReport.Outcome.INTERRUPTED ? session.interruptionOf(sent.mark()) : Optional.empty());
    }
}
