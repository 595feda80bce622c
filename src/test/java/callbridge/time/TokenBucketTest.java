package callbridge.time;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket on times the test chooses: a burst, then the rate, never more. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void burst_thenRefused() {
        TokenBucket bucket = new TokenBucket(5, 10, 0);
        assertEquals(5, taken(bucket, 100, 0));
    }

    @Test
    void refill_atTheRate_upToTheCapacity() {
        TokenBucket bucket = new TokenBucket(5, 10, 0);
        taken(bucket, 5, 0);
        assertFalse(bucket.take(1, 0));
        assertEquals(1, taken(bucket, 100, SECOND / 10), "a tenth of a second buys one at 10 a second");
        assertEquals(5, taken(bucket, 100, 100 * SECOND), "a long pause buys the capacity, no more");
    }

    @Test
    void sustained_atTheRate_isAlwaysAdmitted() {
        TokenBucket bucket = new TokenBucket(1_000, 200, 0);
        long gap = SECOND / 200;
        for (int i = 1; i <= 100_000; i++) {
            assertTrue(bucket.take(1, i * gap), "use " + i);
        }
    }

    @Test
    void aCostLargerThanWhatIsLeft_takesNothing() {
        TokenBucket bucket = new TokenBucket(100, 10, 0);
        assertFalse(bucket.take(101, 0));
        assertTrue(bucket.take(100, 0), "the refused cost took nothing");
    }

    @Test
    void aClockThatGoesBack_buysNothing() {
        TokenBucket bucket = new TokenBucket(1, 10, 5 * SECOND);
        assertTrue(bucket.take(1, 5 * SECOND));
        assertFalse(bucket.take(1, 0));
        assertFalse(bucket.take(1, 5 * SECOND));
    }

    @Test
    void nonPositiveSettings_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(5, 0, 0));
    }

    private static int taken(TokenBucket bucket, int tries, long nowNanos) {
        int taken = 0;
        for (int i = 0; i < tries; i++) {
            if (bucket.take(1, nowNanos)) {
                taken++;
            }
        }
        return taken;
    }
}
