package callbridge.call;

import callbridge.audio.Turn;
import callbridge.metrics.MetricRegistry;
import callbridge.speech.RealtimeSpeechToText;
import callbridge.speech.SpeechException;
import callbridge.speech.SpeechToText;
import callbridge.testing.ManualTime;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call's realtime transcription, against a service the test plays by hand: which words belong to which
 * turn, what the smart end of turn reads, and every way a session fails over to batch without losing a turn.
 */
class RealtimeTranscriptTest {
    private static final byte[] FRAME = new byte[160];
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ManualTime time = new ManualTime(T0);
    private final MetricRegistry registry = new MetricRegistry();
    private final CallMetrics metrics = CallMetrics.registerIn(registry);
    private final FakeRealtime service = new FakeRealtime();
    private final RealtimeTranscript transcript = new RealtimeTranscript(service, "CA1", time, metrics);

    @Test
    void audioGoesOn_aTurnsEndIsCommitted_andItsAnswerIsTheTurnsWords() throws Exception {
        transcript.audio(FRAME, false);
        transcript.audio(FRAME, true);
        assertEquals(2 * FRAME.length, service.session().audio.size());
        RealtimeTranscript.Commit commit = transcript.turnEnded().orElseThrow();
        assertEquals(1, service.session().commits);
        service.listener().onCommitted("Hola, buenas.");
        assertEquals("Hola, buenas.", commit.words().get(1, TimeUnit.SECONDS));
    }

    @Test
    void wordsSoFar_arePartialsOfTheTurnInProgress_notOfTheTurnBeingCommitted() {
        transcript.audio(FRAME, true);
        service.listener().onPartial("Quiero reservar");
        assertEquals("Quiero reservar", transcript.wordsSoFar());
        transcript.turnEnded().orElseThrow();
        assertEquals("", transcript.wordsSoFar(), "a new turn starts with no words");
        transcript.audio(FRAME, true);
        service.listener().onPartial("Quiero reservar una mesa."); // the committed turn's, still on its way
        assertEquals("", transcript.wordsSoFar());
        service.listener().onCommitted("Quiero reservar una mesa.");
        service.listener().onPartial("¿Para");
        assertEquals("¿Para", transcript.wordsSoFar());
    }

    /** The service commits by itself every 90 s: within a turn, those words begin the turn. */
    @Test
    void theServicesOwnCommit_duringATurn_beginsTheTurnsWords_andBetweenTurnsIsDropped() throws Exception {
        service.listener().onCommitted("mm"); // no turn, no commit of ours: a blip our detector ignored
        transcript.audio(FRAME, true);
        service.listener().onCommitted("Quiero reservar una mesa");
        service.listener().onPartial("para dos");
        assertEquals("Quiero reservar una mesa para dos", transcript.wordsSoFar());
        RealtimeTranscript.Commit commit = transcript.turnEnded().orElseThrow();
        service.listener().onCommitted("para dos.");
        assertEquals("Quiero reservar una mesa para dos.", commit.words().get(1, TimeUnit.SECONDS));
    }

    @Test
    void commitsAreAnsweredInOrder() throws Exception {
        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit first = transcript.turnEnded().orElseThrow();
        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit second = transcript.turnEnded().orElseThrow();
        service.listener().onCommitted("uno");
        service.listener().onCommitted("dos");
        assertEquals("uno", first.words().get(1, TimeUnit.SECONDS));
        assertEquals("dos", second.words().get(1, TimeUnit.SECONDS));
    }

    @Test
    void aFailedSession_failsItsCommits_thenTurnsGoToBatch_untilAPauseHasPassedAndATurnBegins() {
        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit pending = transcript.turnEnded().orElseThrow();
        service.listener().onFailed(SpeechException.Kind.RATE_LIMITED, "quota_exceeded: too many sessions");
        assertTrue(pending.words().isCompletedExceptionally());
        assertTrue(service.session().closed);
        assertEquals(1.0, failures("rate_limited"));

        transcript.audio(FRAME, true);
        assertTrue(transcript.turnEnded().isEmpty(), "no session: batch");
        assertEquals(1, service.opened.size(), "not reopened before the pause");

        time.advance(RealtimeTranscript.FIRST_REOPEN_PAUSE);
        transcript.audio(FRAME, false);
        assertEquals(1, service.opened.size(), "not reopened between turns");
        transcript.audio(FRAME, true);
        assertEquals(2, service.opened.size(), "reopened as a turn begins");
        assertTrue(transcript.turnEnded().isPresent());
    }

    @Test
    void reopenPauses_double_upToAMinute() {
        Duration[] expected = {Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofSeconds(60), Duration.ofSeconds(60)};
        for (Duration pause : expected) {
            service.listener().onFailed(SpeechException.Kind.CONNECTION, "refused");
            int opened = service.opened.size();
            time.advance(pause.minusMillis(1));
            transcript.audio(FRAME, true);
            transcript.turnEnded();
            assertEquals(opened, service.opened.size(), "not before " + pause);
            time.advanceMillis(1);
            transcript.audio(FRAME, true);
            assertEquals(opened + 1, service.opened.size(), "after " + pause);
            transcript.turnEnded();
        }
    }

    @Test
    void aStalledCommit_givesTheSessionUp_soNoLaterAnswerIsMisfiled() {
        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit stalled = transcript.turnEnded().orElseThrow();
        stalled.stalled();
        assertTrue(service.session().closed);
        assertEquals(1.0, failures("stalled"));
        assertTrue(transcript.turnEnded().isEmpty());
    }

    @Test
    void close_endsTheSession_andFailsWhatWaits() {
        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit pending = transcript.turnEnded().orElseThrow();
        transcript.close();
        assertTrue(service.session().closed);
        assertTrue(pending.words().isCompletedExceptionally());
        transcript.audio(FRAME, true);
        assertEquals(FRAME.length, service.session().audio.size(), "nothing sent after close");
        assertEquals(0.0, failures("connection"), "a close is no failure");
    }

    /** The transcriber takes a turn's words from realtime when they come, from batch when they do not. */
    @Test
    void transcriber_usesRealtimeWords_andFallsBackToBatch_onFailureOrStall() throws Exception {
        UtteranceQueue utterances = new UtteranceQueue();
        SpeechToText batch = turn -> "batch words";
        Transcriber transcriber = new Transcriber("CA1", batch, utterances, time, 3, NoRecords.LISTENER,
                () -> {
                }, metrics);

        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit answered = transcript.turnEnded().orElseThrow();
        service.listener().onCommitted("realtime words");
        transcriber.submit(1, turn(), java.util.Optional.of(answered));
        assertEquals(List.of("realtime words", "realtime"), heard(utterances));

        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit failed = transcript.turnEnded().orElseThrow();
        service.listener().onFailed(SpeechException.Kind.CONNECTION, "closed");
        transcriber.submit(2, turn(), java.util.Optional.of(failed));
        assertEquals(List.of("batch words", "batch"), heard(utterances));

        time.advance(RealtimeTranscript.FIRST_REOPEN_PAUSE);
        transcript.audio(FRAME, true);
        RealtimeTranscript.Commit unanswered = transcript.turnEnded().orElseThrow();
        time.advance(RealtimeTranscript.COMMIT_PATIENCE); // and nobody answered: its patience is spent
        transcriber.submit(3, turn(), java.util.Optional.of(unanswered));
        assertEquals(List.of("batch words", "batch"), heard(utterances));
        assertTrue(service.session().closed, "the stalled session is given up");
        assertEquals(1.0, failures("stalled"));
        transcriber.finish();
    }

    private static List<String> heard(UtteranceQueue utterances) throws InterruptedException {
        UtteranceQueue.Next next = utterances.takeAnswer(Instant.MIN, Duration.ofSeconds(5), new java.util.concurrent.CompletableFuture<>());
        Utterance utterance = assertInstanceOf(UtteranceQueue.Heard.class, next).utterance();
        return List.of(utterance.text(), utterance.transcribedBy().word());
    }

    private static Turn turn() {
        return new Turn(new byte[1_600], Duration.ZERO, Duration.ZERO, Duration.ofMillis(200), T0, T0, T0,
                Turn.Ending.FINISHED_WORDS, Duration.ofMillis(600));
    }

    private double failures(String kind) {
        return callbridge.metrics.PrometheusText.render(registry).lines()
                .filter(line -> line.startsWith("callbridge_stt_realtime_failures_total{kind=\"" + kind + "\"}"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A realtime service the test plays: sessions record what they are sent, the test speaks for the service. */
    private static final class FakeRealtime implements RealtimeSpeechToText {
        final List<FakeSession> opened = new ArrayList<>();

        @Override
        public Session open(String label, Listener listener) {
            FakeSession session = new FakeSession(listener);
            opened.add(session);
            return session;
        }

        FakeSession session() {
            return opened.getLast();
        }

        Listener listener() {
            return session().listener;
        }
    }

    private static final class FakeSession implements RealtimeSpeechToText.Session {
        final RealtimeSpeechToText.Listener listener;
        final ByteArrayOutputStream audio = new ByteArrayOutputStream();
        int commits;
        boolean closed;

        FakeSession(RealtimeSpeechToText.Listener listener) {
            this.listener = listener;
        }

        @Override
        public boolean sendAudio(byte[] mulaw) {
            audio.writeBytes(mulaw);
            return !closed;
        }

        @Override
        public boolean commit() {
            commits++;
            return !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
