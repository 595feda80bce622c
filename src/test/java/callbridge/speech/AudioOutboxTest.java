package callbridge.speech;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batching, the commit flush, one message in flight, and the bound that counts every byte not yet taken. */
class AudioOutboxTest {
    private static final byte[] FRAME = new byte[160];

    @Test
    void frames_becomeOneChunkPerFive() {
        AudioOutbox outbox = new AudioOutbox(800, 8_000);
        for (int i = 0; i < 4; i++) {
            outbox.addAudio(FRAME);
        }
        assertEquals(Optional.empty(), outbox.next());
        outbox.addAudio(FRAME);
        assertEquals(new AudioOutbox.Outgoing(ScribeRealtimeMessages.audioChunk(new byte[800]), 800), outbox.next().orElseThrow());
    }

    @Test
    void commit_carriesWhatIsGathered_orNothing() {
        AudioOutbox outbox = new AudioOutbox(800, 8_000);
        outbox.addAudio(FRAME);
        outbox.commit();
        outbox.commit();
        assertEquals(ScribeRealtimeMessages.commit(new byte[160]), outbox.next().orElseThrow().text());
        outbox.sent();
        assertEquals(ScribeRealtimeMessages.commit(new byte[0]), outbox.next().orElseThrow().text());
    }

    @Test
    void next_waitsForTheMessageInFlight() {
        AudioOutbox outbox = new AudioOutbox(160, 8_000);
        outbox.addAudio(FRAME);
        outbox.addAudio(FRAME);
        assertTrue(outbox.next().isPresent());
        assertEquals(Optional.empty(), outbox.next());
        outbox.sent();
        assertTrue(outbox.next().isPresent());
    }

    @Test
    void bound_countsQueuedInFlightAndGathered_untilTaken() {
        AudioOutbox outbox = new AudioOutbox(800, 1_600);
        for (int i = 0; i < 10; i++) {
            assertTrue(outbox.addAudio(FRAME));
        }
        outbox.next(); // in flight, not yet taken: still counts
        assertFalse(outbox.addAudio(FRAME), "1,600 bytes given, none taken");
        outbox.sent();
        for (int i = 0; i < 5; i++) {
            assertTrue(outbox.addAudio(FRAME), "the 800 bytes taken are room again");
        }
        assertFalse(outbox.addAudio(FRAME), "and no more");
    }
}
