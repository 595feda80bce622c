package callbridge.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetryTest {
    private static final Retry.Policy THREE = new Retry.Policy(3, Duration.ofMillis(500));

    private static final class Failure extends Exception {
        final boolean retryable;

        Failure(boolean retryable) {
            this.retryable = retryable;
        }
    }

    private final List<Duration> pauses = new ArrayList<>();
    private final Sleeper recording = pauses::add;
    private final List<Duration> heard = new ArrayList<>();

    @Test
    void success_firstTry_noPause() throws Exception {
        assertEquals("ok", Retry.run(THREE, recording, () -> "ok", (Failure f) -> f.retryable, (f, pause) -> heard.add(pause)));
        assertEquals(List.of(), pauses);
    }

    @Test
    void retryableFailures_pausesDouble_thenSuccess() throws Exception {
        int[] tries = {0};
        String result = Retry.run(THREE, recording, () -> {
            if (++tries[0] < 3) {
                throw new Failure(true);
            }
            return "third";
        }, (Failure f) -> f.retryable, (f, pause) -> heard.add(pause));
        assertEquals("third", result);
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1_000)), pauses);
        assertEquals(pauses, heard, "each pause is announced before it is taken");
    }

    @Test
    void retryableFailures_everyTryUsed_lastFailureThrown() {
        List<Failure> thrown = new ArrayList<>();
        Failure last = assertThrows(Failure.class, () -> Retry.run(THREE, recording, () -> {
            Failure failure = new Failure(true);
            thrown.add(failure);
            throw failure;
        }, (Failure f) -> f.retryable, (f, pause) -> heard.add(pause)));
        assertEquals(3, thrown.size());
        assertSame(thrown.getLast(), last);
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1_000)), pauses);
    }

    @Test
    void failureThatWillNotPass_thrownAtOnce() {
        assertThrows(Failure.class, () -> Retry.run(THREE, recording, () -> {
            throw new Failure(false);
        }, (Failure f) -> f.retryable, (f, pause) -> heard.add(pause)));
        assertEquals(List.of(), pauses);
    }

    @Test
    void uncheckedException_neverRetried() {
        assertThrows(IllegalStateException.class, () -> Retry.run(THREE, recording, () -> {
            throw new IllegalStateException("bug");
        }, (Failure f) -> true, (f, pause) -> heard.add(pause)));
        assertEquals(List.of(), pauses);
    }

    @Test
    void askedPause_takenInsteadOfTheBackOff() throws Exception {
        int[] tries = {0};
        String result = Retry.run(THREE, recording, () -> {
            if (++tries[0] < 2) {
                throw new Failure(true);
            }
            return "second";
        }, (Failure f) -> f.retryable, f -> Optional.of(Duration.ofMillis(1_200)), (f, pause) -> heard.add(pause));
        assertEquals("second", result);
        assertEquals(List.of(Duration.ofMillis(1_200)), pauses);
    }

    @Test
    void askedPausePastTheWaitBound_failureThrownWithoutWaiting() {
        Retry.Policy policy = new Retry.Policy(5, Duration.ofMillis(500), Duration.ofSeconds(60));
        int[] tries = {0};
        assertThrows(Failure.class, () -> Retry.run(policy, recording, () -> {
            tries[0]++;
            throw new Failure(true);
        }, (Failure f) -> f.retryable, f -> Optional.of(Duration.ofSeconds(61)), (f, pause) -> heard.add(pause)));
        assertEquals(1, tries[0]);
        assertEquals(List.of(), pauses);
    }

    @Test
    void waitsAddUpToTheBound_thenTheLastFailureIsThrown() {
        Retry.Policy policy = new Retry.Policy(10, Duration.ofMillis(500), Duration.ofMillis(3_500));
        int[] tries = {0};
        assertThrows(Failure.class, () -> Retry.run(policy, recording, () -> {
            tries[0]++;
            throw new Failure(true);
        }, (Failure f) -> f.retryable, (f, pause) -> heard.add(pause)));
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1_000), Duration.ofMillis(2_000)), pauses);
        assertEquals(4, tries[0], "the fourth pause (4 s) would pass 3.5 s of waiting");
    }

    @Test
    void twoArgumentPolicy_waitsNoLongerThanItsOwnBackOff() {
        assertEquals(Duration.ofMillis(1_500), THREE.maxWait());
    }

    @Test
    void policy_needsOneAttemptAndNoNegativePause() {
        assertThrows(IllegalArgumentException.class, () -> new Retry.Policy(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Retry.Policy(1, Duration.ofMillis(-1)));
    }
}
