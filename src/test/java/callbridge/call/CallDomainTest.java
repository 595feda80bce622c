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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
        return stream.startCall(calls, setup, SID);
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
    void restartedStream_continuesTheCall_turnBudgetsAndQueue() throws Exception {
        List<String> restartsHeard = new CopyOnWriteArrayList<>();
        CallObserver observer = call -> new CallListener() {
            @Override
            public void streamRestarted(String streamSid, Instant at) {
                restartsHeard.add(streamSid);
            }
        };
        FakeMediaStream first = new FakeMediaStream("MZ1");
        CallSession session = first.startCall(calls, new CallSetup(setup.segmenters(), setup.talkTimeout(),
                setup.services(), observer, NoRecords.INSTANCE, setup.turnTaking()), SID);
        FakeMediaStream.speakTurn(session, 10);
        for (int i = 0; i < 4; i++) {
            session.onAudio(FakeMediaStream.SPEECH); // a turn begins on the first stream...
        }
        StreamPace pace = session.pace();
        FakeMediaStream second = new FakeMediaStream("MZ2");
        assertEquals(new CallRegistry.StreamStart.Restarted(session), calls.start(SID, second, () -> fail("no new session")));
        assertTrue(first.retired.isDone(), "the replaced stream is closed");
        assertFalse(first.closed.isDone(), "...but not as the end of the call");
        assertEquals(List.of(), ended, "the call is not completed");
        assertTrue(session.isCurrent(second));
        assertFalse(session.isCurrent(first));
        assertEquals("MZ2", session.streamSid());
        assertSame(pace, session.pace(), "the call's pace goes on: a restart buys no fresh burst");
        for (int i = 0; i < 6; i++) {
            session.onAudio(FakeMediaStream.SPEECH); // ...and ends on the second: one turn, one transcription
        }
        for (int i = 0; i <= FakeMediaStream.SILENCE_FRAMES; i++) {
            session.onAudio(FakeMediaStream.SILENCE);
        }
        assertEquals("turn 1", heard(session));
        assertEquals("turn 2", heard(session));
        assertEquals(List.of("MZ2"), restartsHeard, "its observer hears of the restart, once");
    }

    @Test
    void streamRestarts_areBoundedPerCall() {
        CallSession session = open(new FakeMediaStream("MZ0"));
        for (int i = 1; i <= CallSession.MAX_STREAM_RESTARTS; i++) {
            assertInstanceOf(CallRegistry.StreamStart.Restarted.class,
                    calls.start(SID, new FakeMediaStream("MZ" + i), () -> fail("no new session")));
        }
        FakeMediaStream oneTooMany = new FakeMediaStream("MZx");
        CallRegistry.StreamStart refused = calls.start(SID, oneTooMany, () -> fail("no new session"));
        assertEquals(new CallRegistry.StreamStart.Refused("the call's stream has restarted "
                + CallSession.MAX_STREAM_RESTARTS + " times"), refused);
        assertFalse(session.isCurrent(oneTooMany));
        assertFalse(session.hasEnded(), "the call goes on, on the stream it had");
    }

    @Test
    void endedCall_staysEnded_itsStreamURLReopenedIsRefused() throws Exception {
        CallSession session = open(new FakeMediaStream("MZ1"));
        calls.end(session, CallEnd.hungUp());
        assertEquals(new CallRegistry.StreamStart.Refused("the call has ended (call hung up)"),
                calls.start(SID, new FakeMediaStream("MZ2"), () -> fail("no new session")));
        time.advance(CallRegistry.ENDED_RETENTION.plusSeconds(1)); // its session let go...
        assertEquals(Optional.empty(), calls.awaitCall(SID, Duration.ofDays(1), NEVER), "...and nobody waits for it");
        assertEquals(Optional.of(CallEnd.hungUp()), calls.endedEarlier(SID), "...but its end is remembered");
        assertInstanceOf(CallRegistry.StreamStart.Refused.class,
                calls.start(SID, new FakeMediaStream("MZ3"), () -> fail("no new session")));
        assertEquals(List.of(SID), ended, "completed once");
    }

    @Test
    void newCall_waitsForADriver_untilItEnds() throws Exception {
        CallDirectory directory = new CallDirectory(calls, time);
        CallSession older = open(new FakeMediaStream("MZ1"));
        CallSession newer = new FakeMediaStream("MZ2").startCall(calls, setup, "CA" + "3".repeat(32));
        calls.end(older, CallEnd.hungUp());
        assertEquals(Optional.of(newer.start()), directory.claimNext(Duration.ZERO, NEVER),
                "the older call, ended, is no longer handed out");
        assertEquals(Optional.empty(), directory.claimNext(Duration.ZERO, NEVER));
    }

    @Test
    void endedCalls_areRememberedWithinACount() {
        for (int i = 0; i <= CallRegistry.ENDED_REMEMBERED; i++) {
            String sid = "CA%032x".formatted(i);
            CallSession session = new FakeMediaStream("MZ" + i).startCall(calls, setup, sid);
            calls.end(session, CallEnd.hungUp());
        }
        assertEquals(Optional.empty(), calls.endedEarlier("CA%032x".formatted(0)), "the eldest is forgotten");
        assertEquals(Optional.of(CallEnd.hungUp()), calls.endedEarlier("CA%032x".formatted(1)));
    }

    private static String heard(CallSession session) throws InterruptedException {
        UtteranceQueue.Next next = session.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(5), NEVER);
        return ((UtteranceQueue.Heard) next).utterance().text();
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
        Conversation conversation = new Conversation(calls, setup.records(), time);
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
        Conversation conversation = new Conversation(calls, setup.records(), time);
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
        Conversation conversation = new Conversation(calls, setup.records(), time);
        assertEquals("turn 1", assertInstanceOf(TurnResult.Heard.class, take(conversation, null)).utterance().text());
        calls.end(session, CallEnd.hungUp());
        TurnResult.CallEnded end = assertInstanceOf(TurnResult.CallEnded.class, take(conversation, null));
        assertEquals(CallEnd.Reason.HUNG_UP, end.end().reason());
    }

    @Test
    void end_theFirstReasonStaysTheCalls_whoeverAsks() throws Exception {
        CallSession session = open(new FakeMediaStream("MZ1"));
        Conversation conversation = new Conversation(calls, setup.records(), time);
        assertTrue(calls.end(session, CallEnd.hungUp()));
        assertFalse(calls.end(session, CallEnd.shutdown()), "a later end ends nothing");
        assertEquals(Optional.of(CallEnd.hungUp()), session.whyEnded());
        assertEquals(Optional.of(CallEnd.hungUp()), calls.endedEarlier(SID));
        assertEquals(CallEnd.hungUp(), assertInstanceOf(TurnResult.CallEnded.class, take(conversation, null)).end());
        assertEquals(List.of(SID), ended, "completed once");
    }

    private static TurnRequest request(String input, Duration timeout) {
        return new TurnRequest(SID, Optional.ofNullable(input), timeout, Optional.empty(), new SpeechCue.Now(), false);
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
