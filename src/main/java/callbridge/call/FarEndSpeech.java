package callbridge.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * When the far end is speaking, as the call's turn detection sees it: the onset of its turn in progress and
 * whether it is speaking now, for speech of ours that is meant to cut into it ({@code /generate} with
 * {@code interrupt_after_ms}). The call's audio thread reports each payload; a waiter is woken when a turn
 * starts or ends, when the far end starts or stops speaking, when the call ends or when its client leaves,
 * and otherwise sleeps until the moment it waits for: nothing here polls.
 */
final class FarEndSpeech {
    /**
     * The far end counts as speaking while its last speech frame is this recent. The VAD hears a few silent
     * frames inside words and between them; a pause longer than this is the far end stopping, if only for
     * breath, and speech of ours cut in there would not interrupt anything.
     */
    static final Duration STILL_SPEAKING = Duration.ofMillis(200);

    private final Clock clock;
    private final Changes changes = new Changes();
    /**
     * The audio thread's own view, in plain fields it alone touches: each payload is compared with it, and
     * the lock is taken only when what waiters see changes (a few times a second at most, never per frame).
     */
    private boolean wasInTurn;
    private int lastSpeechFrames;
    private Instant lastSpeechFrameAt;
    private boolean wasSpeaking;
    /** When the far end's turn in progress began (its first speech frame arrived); null between turns. Guarded by changes. */
    private Instant turnStartedAt;
    /** The far end is in a turn and spoke within {@link #STILL_SPEAKING}, as of the last payload; guarded by changes. */
    private boolean speaking;
    private boolean callEnded;

    FarEndSpeech(Clock clock) {
        this.clock = clock;
    }

    /**
     * After each payload of the far end's audio: whether it is in a turn, and how many speech frames that
     * turn holds. Frames come every 20 ms, so a pause past {@link #STILL_SPEAKING} is seen within a frame.
     */
    void heard(boolean inTurn, int speechFramesInTurn, Instant at) {
        // A turn cut at its maximum length and a new one begun within one payload: the count starts again.
        boolean turnBegan = inTurn && (!wasInTurn || speechFramesInTurn < lastSpeechFrames);
        boolean turnEnded = !inTurn && wasInTurn;
        if (inTurn && speechFramesInTurn != lastSpeechFrames) {
            lastSpeechFrameAt = at;
        }
        // Compared in milliseconds: this runs for every payload of every call, and a Duration each time is garbage.
        boolean nowSpeaking = inTurn && lastSpeechFrameAt != null
                && at.toEpochMilli() - lastSpeechFrameAt.toEpochMilli() <= STILL_SPEAKING.toMillis();
        boolean speakingChanged = nowSpeaking != wasSpeaking;
        wasInTurn = inTurn;
        lastSpeechFrames = inTurn ? speechFramesInTurn : 0;
        wasSpeaking = nowSpeaking;
        if (!turnBegan && !turnEnded && !speakingChanged) {
            return;
        }
        changes.lock();
        try {
            if (turnBegan) {
                turnStartedAt = at;
            } else if (turnEnded) {
                turnStartedAt = null;
            }
            speaking = nowSpeaking;
            changes.signalAll();
        } finally {
            changes.unlock();
        }
    }

    /** The call has ended: no turn will start again, and waiters give up. */
    void close() {
        changes.change(() -> callEnded = true);
    }

    /**
     * Waits until the far end has been in one turn for {@code length} and is speaking: the turn in progress,
     * or a later one. In a pause at that moment, the wait goes on until it speaks again; a turn that ends
     * sooner (a cough, a short "yes") does not count, and the wait goes on for the next.
     *
     * @return when that turn began; empty when {@code timeout} passed, the call ended or {@code abandoned}
     *         completed first
     */
    Optional<Instant> awaitTurnLasting(Duration length, Duration timeout, CompletableFuture<?> abandoned)
            throws InterruptedException {
        changes.wakeWhen(abandoned);
        Instant giveUpAt = clock.instant().plus(timeout);
        changes.lock();
        try {
            while (!callEnded && !abandoned.isDone()) {
                Instant now = clock.instant();
                // Between turns, or in a pause once the turn is long enough, only a change can help.
                Instant wakeAt = giveUpAt;
                if (turnStartedAt != null) {
                    Instant longEnoughAt = turnStartedAt.plus(length);
                    if (now.isBefore(longEnoughAt)) {
                        wakeAt = longEnoughAt.isBefore(giveUpAt) ? longEnoughAt : giveUpAt;
                    } else if (speaking) {
                        return Optional.of(turnStartedAt);
                    }
                }
                if (!now.isBefore(giveUpAt)) {
                    return Optional.empty();
                }
                changes.awaitNanos(Duration.between(now, wakeAt).toNanos());
            }
            return Optional.empty();
        } finally {
            changes.unlock();
        }
    }
}
