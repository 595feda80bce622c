package callbridge.call;

import callbridge.audio.Turn;
import callbridge.metrics.MetricRegistry;
import callbridge.speech.SpeechToText;
import callbridge.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Turns wait for speech-to-text in a bounded queue; what does not fit is answered as an error, in order. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TranscriberTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String SID = "CA" + "7".repeat(32);

    @Test
    void tenTurnsWhileSpeechToTextIsStuck_threeWait_olderOnesBecomeErrors_allTenInOrder() throws Exception {
        CountDownLatch firstEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        SpeechToText stuck = mulaw -> {
            requests.incrementAndGet();
            firstEntered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return mulaw.length + " bytes heard";
        };
        UtteranceQueue utterances = new UtteranceQueue();
        Transcriber transcriber = new Transcriber(SID, stuck, utterances, Clock.fixed(T0, java.time.ZoneOffset.UTC), 3,
                NoRecords.LISTENER, () -> {
        }, CallMetrics.registerIn(new MetricRegistry()));

        transcriber.submit(1, turn(1), Optional.empty());
        assertTrue(firstEntered.await(5, TimeUnit.SECONDS), "turn 1 never reached speech-to-text");
        try (LogCapture log = LogCapture.of(Transcriber.class)) {
            for (int number = 2; number <= 10; number++) {
                transcriber.submit(number, turn(number), Optional.empty());
            }
            // Each drop is decided as the turn comes, and logged then: turns 2-7 gave up their audio.
            assertEquals(6, log.records().stream().filter(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().contains("already waiting for speech-to-text")
                    && List.of(r.getParameters()).contains(SID)).count(), LogCapture.messages(log.records()).toString());
        }
        release.countDown();
        transcriber.finish();

        List<Utterance> all = new ArrayList<>();
        UtteranceQueue.Next next;
        while ((next = utterances.takeAnswer(Instant.MIN, Duration.ofSeconds(5), new CompletableFuture<>())) instanceof UtteranceQueue.Heard heard) {
            all.add(heard.utterance());
        }
        assertInstanceOf(UtteranceQueue.Ended.class, next);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), all.stream().map(Utterance::number).toList(), "every turn, in order");
        assertEquals(List.of(1, 8, 9, 10), all.stream().filter(Utterance::isTranscribed).map(Utterance::number).toList());
        for (Utterance failed : all.stream().filter(u -> !u.isTranscribed()).toList()) {
            assertTrue(failed.error().orElseThrow().contains("more than 3 turns were waiting"), failed.toString());
            assertEquals(Duration.ofSeconds(failed.number()), failed.speechStart(), "timings kept");
        }
        assertEquals(4, requests.get(), "speech-to-text requests");
    }

    private static Turn turn(int number) {
        return new Turn(new byte[8_000], Duration.ofSeconds(number).minusMillis(200), Duration.ofSeconds(number),
                Duration.ofSeconds(number).plusMillis(500), T0, T0, T0, Turn.Ending.SILENCE, Duration.ZERO);
    }
}
