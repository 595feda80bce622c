package callbridge.time;

import callbridge.testing.ManualTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlineTest {
    private final ManualTime time = new ManualTime();

    @Test
    void remaining_shrinksWithTheClock_neverBelowZero() {
        Deadline deadline = Deadline.after(Duration.ofMillis(1_000), time);
        assertEquals(Duration.ofMillis(1_000), deadline.remaining());
        time.advanceMillis(400);
        assertEquals(Duration.ofMillis(600), deadline.remaining());
        assertFalse(deadline.hasPassed());
        time.advanceMillis(600);
        assertEquals(Duration.ZERO, deadline.remaining());
        assertTrue(deadline.hasPassed());
        time.advanceMillis(5);
        assertEquals(Duration.ZERO, deadline.remaining());
    }
}
