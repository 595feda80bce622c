package callbridge.call;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class UtteranceQueueTest {
    private static Utterance utterance(int number) {
        Instant t = Instant.EPOCH;
        return new Utterance(number, "u" + number, Optional.empty(), Duration.ZERO, Duration.ZERO, t, t, t, t,
                callbridge.audio.Turn.Ending.SILENCE, Duration.ZERO, Utterance.TranscribedBy.BATCH);
    }

    @Test
    void take_returnsInSpokenOrder() throws Exception {
        UtteranceQueue queue = new UtteranceQueue();
        queue.add(utterance(1));
        queue.add(utterance(2));
        assertEquals(1, ((UtteranceQueue.Heard) queue.takeAnswer(Instant.MIN, Duration.ZERO, new CompletableFuture<>())).utterance().number());
        assertEquals(2, ((UtteranceQueue.Heard) queue.takeAnswer(Instant.MIN, Duration.ZERO, new CompletableFuture<>())).utterance().number());
        assertInstanceOf(UtteranceQueue.NothingYet.class, queue.takeAnswer(Instant.MIN, Duration.ofMillis(20), new CompletableFuture<>()));
    }

    @Test
    void take_wakesWhenAnUtteranceArrives() throws Exception {
        UtteranceQueue queue = new UtteranceQueue();
        CompletableFuture<UtteranceQueue.Next> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.takeAnswer(Instant.MIN, Duration.ofSeconds(10), new CompletableFuture<>());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(waiting.isDone());
        queue.add(utterance(7));
        assertEquals(7, ((UtteranceQueue.Heard) waiting.get(5, TimeUnit.SECONDS)).utterance().number());
    }

    @Test
    void close_queuedUtterancesComeFirst_thenTheEnd() throws Exception {
        UtteranceQueue queue = new UtteranceQueue();
        queue.add(utterance(1));
        queue.close();
        queue.close();
        assertInstanceOf(UtteranceQueue.Heard.class, queue.takeAnswer(Instant.MIN, Duration.ZERO, new CompletableFuture<>()));
        assertEquals(new UtteranceQueue.Ended(List.of()), queue.takeAnswer(Instant.MIN, Duration.ofSeconds(5), new CompletableFuture<>()));
    }
}
