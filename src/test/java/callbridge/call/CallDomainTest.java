package callbridge.call;

import callbridge.testing.Await;
import callbridge.testing.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call domain without a network: sessions on {@link FakeMediaStream}s, the registry, the talk-timeout
 * watchdog and the turn logic, with time on a {@link ManualTime} that only the test moves.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CallDomainTest {
    private static final Duration TALK_TIMEOUT = Duration.ofSeconds(50);
    private static final String SID = "CA" + "2".repeat(32);
    private static final CompletableFuture<Void> NEVER = new CompletableFuture<>();

    private final ManualTime time = new ManualTime();
    private final CallSetup setup = FakeMediaStream.setup(time, TALK_TIMEOUT);
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private final CallRegistry calls = new CallRegistry(time, ended::add);
    private TalkTimeoutWatchdog watchdog;

    @AfterEach
    void stop() {
        if (watchdog != null) {
            watchdog.close();
        }
        calls.endAll(CallEnd.shutdown());
    }

    private CallSession open(FakeMediaStream stream) {
        CallSession session = setup.open(SID, stream);
        calls.add(session);
        return session;
    }

    /** Moves the clock and waits until the watchdog has looked at the calls at the new time. */
    private void advanceWatched(Duration by) throws InterruptedException {
        int sleeps = time.sleepsBegun();
        time.advance(by);
        time.awaitSleepsBegun(sleeps + 1);
    }

    @Test
    void talkTimeout_endsTheIdleCall_onlyOnceItHasPassed() throws Exception {
        FakeMediaStream stream = new FakeMediaStream("MZ1");
        CallSession session = open(stream);
        watchdog = TalkTimeoutWatchdog.start(calls, time, time);
        time.awaitSleepsBegun(1);
        advanceWatched(TALK_TIMEOUT);
        assertFalse(session.hasEnded(), "idle for exactly the timeout is not past it");
        advanceWatched(TalkTimeoutWatchdog.PERIOD);
        assertTrue(session.hasEnded());
        assertEquals(CallEnd.Reason.TALK_TIMEOUT, stream.closed.getNow(null).reason());
        assertEquals(List.of(SID), ended);
        assertEquals(0, calls.size());
    }

    @Test
    void talkTimeout_restartsWithSpeechAndWithEachTurn() throws Exception {
        CallSession session = open(new FakeMediaStream("MZ1"));
        watchdog = TalkTimeoutWatchdog.start(calls, time, time);
        time.awaitSleepsBegun(1);
        advanceWatched(Duration.ofSeconds(40));
        session.onAudio(FakeMediaStream.SPEECH); // the far end speaks: not idle
        advanceWatched(Duration.ofSeconds(40));
        assertTrue(session.beginTurn()); // a /generate comes
        session.endTurn();
        advanceWatched(Duration.ofSeconds(40));
        assertFalse(session.hasEnded());
        advanceWatched(Duration.ofSeconds(11));
        assertTrue(session.hasEnded());
    }

    @Test
    void endedCall_isFoundForTheRetention_thenForgotten() throws Exception {
        CallSession session = open(new FakeMediaStream("MZ1"));
        assertTrue(calls.end(session, CallEnd.hungUp()));
        assertFalse(calls.end(session, CallEnd.shutdown()), "a call ends once");
        assertEquals(List.of(SID), ended);
        time.advance(CallRegistry.ENDED_RETENTION);
        assertEquals(Optional.of(session), calls.awaitCall(SID, Duration.ZERO, NEVER));
        time.advanceMillis(1);
        assertEquals(Optional.empty(), calls.awaitCall(SID, Duration.ZERO, NEVER));
    }

    @Test
    void restartedStream_replacesTheOld_callGoesOn_whatWasHeardMoves() throws Exception {
        FakeMediaStream first = new FakeMediaStream("MZ1");
        CallSession old = open(first);
        FakeMediaStream.speakTurn(old, 10);
        UtteranceQueue.Next heard = old.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(5), NEVER);
        old.utterances().putBack(List.of(((UtteranceQueue.Heard) heard).utterance()));
        CallSession restarted = open(new FakeMediaStream("MZ2"));
        assertEquals(CallEnd.Reason.STREAM_REPLACED, first.closed.getNow(null).reason());
        assertEquals(List.of(), ended, "the call is not completed");
        assertEquals(Optional.of(restarted), calls.live(SID));
        UtteranceQueue.Next moved = restarted.utterances().takeAnswer(Instant.MIN, Duration.ZERO, NEVER);
        assertEquals("turn 1", ((UtteranceQueue.Heard) moved).utterance().text());
    }

    @Test
    void awaitCall_wakesWhenTheCallAppears_orWhenAbandoned() throws Exception {
        CompletableFuture<Optional<CallSession>> waiting = CompletableFuture.supplyAsync(() -> await(NEVER));
        awaitWaitingForCalls(1);
        CallSession session = open(new FakeMediaStream("MZ1"));
        assertEquals(Optional.of(session), waiting.get(5, TimeUnit.SECONDS));
        assertEquals(0, calls.waitingForCalls());
        CompletableFuture<Void> gone = new CompletableFuture<>();
        CompletableFuture<Optional<CallSession>> abandoned = CompletableFuture.supplyAsync(() -> awaitOther(gone));
        awaitWaitingForCalls(1);
        gone.complete(null);
        assertEquals(Optional.empty(), abandoned.get(5, TimeUnit.SECONDS));
        assertEquals(0, calls.waitingForCalls());
    }

    @Test
    void turn_speaksInWholeFrames_waitsForTheMark_answersWithTheNextUtteranceAndTheDigits() throws Exception {
        FakeMediaStream stream = new FakeMediaStream("MZ1");
        CallSession session = open(stream);
        FakeMediaStream.speakTurn(session, 10); // heard while nobody was asking
        session.onDtmf("1");
        time.advanceMillis(100);
        Conversation conversation = new Conversation(calls, time);
        CompletableFuture<TurnResult> result = CompletableFuture.supplyAsync(() -> take(conversation, "hola"));
        String mark = stream.marks.poll(5, TimeUnit.SECONDS);
        assertEquals(0, stream.audio.size() % 160, "whole 20 ms frames only");
        assertEquals(4 * 320, stream.audio.size(), "4 characters of the fake voice");
        session.onDtmf("2");
        time.advanceMillis(500);
        session.onMark(mark);
        time.advanceMillis(100);
        FakeMediaStream.speakTurn(session, 10); // the answer
        TurnResult.Heard heard = assertInstanceOf(TurnResult.Heard.class, result.get(5, TimeUnit.SECONDS));
        assertEquals("turn 2", heard.utterance().text());
        assertEquals(List.of("turn 1"), heard.heardBefore().stream().map(Utterance::text).toList());
        assertEquals(PlaybackReport.Outcome.PLAYED, heard.playback().orElseThrow().outcome());
        assertEquals(List.of("1", "2"), heard.dtmf());
        assertTrue(session.beginTurn(), "the turn was released");
        session.endTurn();
    }

    @Test
    void turn_secondOneWhileTheFirstWaits_isBusy_andNothingHeardLeavesTheQueueAsItWas() throws Exception {
        CallSession session = open(new FakeMediaStream("MZ1"));
        Conversation conversation = new Conversation(calls, time);
        assertTrue(session.beginTurn());
        assertInstanceOf(TurnResult.Busy.class, take(conversation, null));
        session.endTurn();
        assertInstanceOf(TurnResult.NothingHeard.class, conversation.take(request(null, Duration.ZERO), NEVER));
        FakeMediaStream.speakTurn(session, 10);
        CompletableFuture<Void> gone = CompletableFuture.completedFuture(null);
        assertInstanceOf(TurnResult.ClientGone.class, conversation.take(request(null, Duration.ofSeconds(5)), gone));
        TurnResult.Heard heard = assertInstanceOf(TurnResult.Heard.class, take(conversation, null));
        assertEquals("turn 1", heard.utterance().text(), "what a departed client was waiting for is still there");
    }

    @Test
    void turn_callEnds_answersWithTheReasonAfterWhatWasHeard() throws Exception {
        CallSession session = open(new FakeMediaStream("MZ1"));
        FakeMediaStream.speakTurn(session, 10);
        Conversation conversation = new Conversation(calls, time);
        assertEquals("turn 1", assertInstanceOf(TurnResult.Heard.class, take(conversation, null)).utterance().text());
        calls.end(session, CallEnd.hungUp());
        TurnResult.CallEnded end = assertInstanceOf(TurnResult.CallEnded.class, take(conversation, null));
        assertEquals(CallEnd.Reason.HUNG_UP, end.end().reason());
    }

    private static GenerateRequest request(String input, Duration timeout) {
        return new GenerateRequest(SID, input == null, Optional.ofNullable(input), timeout, Optional.empty());
    }

    private static TurnResult take(Conversation conversation, String input) {
        try {
            return conversation.take(request(input, Duration.ofSeconds(5)), NEVER);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<CallSession> await(CompletableFuture<Void> abandoned) {
        try {
            return calls.awaitCall(SID, Duration.ofSeconds(5), abandoned);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<CallSession> awaitOther(CompletableFuture<Void> abandoned) {
        try {
            return calls.awaitCall("CA" + "3".repeat(32), Duration.ofSeconds(5), abandoned);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitWaitingForCalls(int count) throws Exception {
        Await.until(count + " waiter(s) for calls", Duration.ofSeconds(5), () -> calls.waitingForCalls() == count);
    }
}
