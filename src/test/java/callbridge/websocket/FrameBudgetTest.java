package callbridge.websocket;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame budget on a clock the test moves: a burst, then the rate, never more. */
class FrameBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void burst_thenRefused() {
        FrameBudget budget = new FrameBudget(10, 5, 0);
        assertEquals(5, taken(budget, 100, 0));
    }

    @Test
    void refill_atTheRate_uptoTheBurst() {
        FrameBudget budget = new FrameBudget(10, 5, 0);
        taken(budget, 5, 0);
        assertFalse(budget.take(0));
        assertEquals(1, taken(budget, 100, SECOND / 10), "a tenth of a second buys one frame at 10 a second");
        assertEquals(5, taken(budget, 100, 100 * SECOND), "a long pause buys the burst, no more");
    }

    @Test
    void sustained_atTheRate_isAlwaysAdmitted() {
        FrameBudget budget = new FrameBudget(FrameBudget.DEFAULT_PER_SECOND, FrameBudget.DEFAULT_BURST, 0);
        long gap = SECOND / FrameBudget.DEFAULT_PER_SECOND;
        for (int i = 1; i <= 100_000; i++) {
            assertTrue(budget.take(i * gap), "frame " + i);
        }
    }

    @Test
    void aClockThatGoesBack_buysNothing() {
        FrameBudget budget = new FrameBudget(10, 1, 5 * SECOND);
        assertTrue(budget.take(5 * SECOND));
        assertFalse(budget.take(0));
        assertFalse(budget.take(5 * SECOND));
    }

    @Test
    void nonPositiveSettings_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FrameBudget(0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameBudget(5, 0, 0));
    }

    private static int taken(FrameBudget budget, int tries, long nowNanos) {
        int taken = 0;
        for (int i = 0; i < tries; i++) {
            if (budget.take(nowNanos)) {
                taken++;
            }
        }
        return taken;
    }
}
