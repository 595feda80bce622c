package callbridge.websocket;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * RFC 6455 5.3: a fresh, unpredictable masking key per frame. Unpredictability is AES's, not something a
 * test can show; what is checked is that keys do not repeat across refills and that two connections do
 * not share a sequence.
 */
class MaskingKeysTest {
    @Test
    void next_doesNotRepeat_acrossSeveralRefills() {
        MaskingKeys keys = MaskingKeys.seededBy(new SecureRandom());
        Set<Integer> seen = new HashSet<>();
        int drawn = 300; // beyond four refills of 64; two equal 32-bit keys among 300 happen once in ~100,000 runs
        for (int i = 0; i < drawn; i++) {
            seen.add(keys.next());
        }
        assertEquals(drawn, seen.size());
    }

    @Test
    void seededBy_differentSeeds_differentKeys() {
        MaskingKeys one = MaskingKeys.seededBy(new SecureRandom());
        MaskingKeys other = MaskingKeys.seededBy(new SecureRandom());
        long first = (long) one.next() << 32 | (one.next() & 0xFFFFFFFFL);
        long second = (long) other.next() << 32 | (other.next() & 0xFFFFFFFFL);
        assertNotEquals(first, second);
    }
}
