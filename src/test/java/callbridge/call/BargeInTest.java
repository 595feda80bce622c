package callbridge.call;

import callbridge.metrics.MetricRegistry;
import callbridge.speech.TextToSpeech;
import callbridge.testing.Await;
import callbridge.testing.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Barge-in in the call domain: the far end's speech over ours, once it is long enough, stops ours (the
 * speech being synthesized and what Twilio holds) and says what was heard of it. What must not fire is
 * shown on the rule itself, synchronously ({@link BargeInRuleTest}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BargeInTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Frames of far-end speech over ours that stop ours, in these tests. */
    private static final int MIN_FRAMES = 5;
    private static final String TEXT = "uno dos tres cuatro cinco seis siete ocho nueve diez";

    private final ManualTime time = new ManualTime();

    @Test
    void speechOverOurs_longEnough_stopsIt_clearsTwilio_andSaysWhatWasHeard() throws Exception {
        FakeMediaStream stream = new FakeMediaStream("MZ1");
        CallSession session = open(stream, (text, sink) -> sink.accept(new byte[8_000])); // 1 s of our audio
        Playback.Sent sent = session.speak(TEXT);
        assertFalse(sent.outcome().isDone(), "sent, its mark not back: playing");
        time.advanceMillis(500); // half of it played when the far end cuts in
        for (int i = 0; i < MIN_FRAMES; i++) {
            session.onAudio(FakeMediaStream.SPEECH);
        }
        assertEquals(PlaybackReport.Outcome.INTERRUPTED, sent.outcome().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        Await.until("a clear sent", WAIT, () -> stream.clears.get() == 1);
        PlaybackReport.Interruption heard = session.interruptionOf(sent.mark()).orElseThrow();
        assertEquals(Duration.ofMillis(500), heard.played());
        assertEquals("uno dos tres cuatro cinco", heard.playedText(), "about the first half of the words");
        assertEquals(Optional.empty(), session.interruptionOf(sent.mark()), "handed out once");
        session.onMark(sent.mark()); // Twilio echoes it after the clear: nothing more happens
        assertEquals(PlaybackReport.Outcome.INTERRUPTED, sent.outcome().getNow(null));
    }




    /** The speech being synthesized stops at its next chunk: its text-to-speech request is abandoned. */
    @Test
    void speechStillBeingSynthesized_stopsAtItsNextChunk() throws Exception {
        FakeMediaStream stream = new FakeMediaStream("MZ1");
        CountDownLatch firstChunkSent = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        int[] chunksAsked = {0};
        CallSession session = open(stream, (text, sink) -> {
            sink.accept(new byte[1_600]);
            firstChunkSent.countDown();
            try {
                interrupted.await();
            } catch (InterruptedException e) {
                throw new java.io.IOException(e);
            }
            for (int i = 0; i < 10; i++) {
                chunksAsked[0]++;
                sink.accept(new byte[1_600]); // the first of these throws: the synthesis is abandoned
            }
        });
        var speaking = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return session.speak(TEXT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(firstChunkSent.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        for (int i = 0; i < MIN_FRAMES; i++) {
            session.onAudio(FakeMediaStream.SPEECH);
        }
        Await.until("the barge-in seen", WAIT, () -> stream.clears.get() >= 1);
        interrupted.countDown();
        Playback.Sent sent = speaking.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(PlaybackReport.Outcome.INTERRUPTED, sent.outcome().getNow(null));
        assertEquals(1, chunksAsked[0], "no chunk after the barge-in was sent");
        assertEquals(1_600, stream.audio.size(), "only what went out before it");
        assertTrue(session.interruptionOf(sent.mark()).isPresent());
    }

    private CallSession open(FakeMediaStream stream, TextToSpeech tts) {
        CallServices fake = FakeMediaStream.services(time);
        CallServices services = new CallServices(fake.speechToText(), tts, Optional.empty(), time, time,
                CallMetrics.registerIn(new MetricRegistry()), Optional.empty());
        return FakeMediaStream.setup(services, new CallSetup.TurnTaking(Optional.empty(), Optional.of(MIN_FRAMES)))
                .open("CA" + "1".repeat(32), stream, Map.of());
    }
}
