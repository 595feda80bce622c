package callbridge.call;

import callbridge.testing.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Completion at Twilio, retries and back-off on a manual clock: no test here waits for real time. The
 * stand-in control fails as scripted and records when (on the manual clock) each try came.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CallCompletionTest {
    private static final String SID = "CA" + "1".repeat(32);

    private final ManualTime time = new ManualTime();

    /** Fails with the scripted exceptions, one per try, then succeeds; records the time of every try. */
    private final class ScriptedControl implements CallControl {
        final Queue<CallControlException> failures = new ArrayDeque<>();
        final List<Instant> tries = new CopyOnWriteArrayList<>();

        @Override
        public void complete(String callSid) throws CallControlException {
            tries.add(time.instant());
            CallControlException next = failures.poll();
            if (next != null) {
                throw next;
            }
        }
    }

    private final ScriptedControl control = new ScriptedControl();
    private final CallCompletion completion = new CallCompletion(Optional.of(control), time);

    @Test
    void failureThatMayPass_isRetriedAfterTheBackoff_thenDone() throws Exception {
        control.failures.add(new CallControlException("HTTP 500", true, null));
        completion.complete(SID);
        time.awaitSleepsBegun(1);
        assertEquals(1, control.tries.size());
        time.advanceMillis(CallCompletion.RETRIES.firstPause().toMillis() - 1);
        assertEquals(1, control.tries.size(), "no retry before the back-off is over");
        time.advanceMillis(1);
        assertTrue(completion.awaitAll(Duration.ofSeconds(5)));
        assertEquals(List.of(Instant.EPOCH.plusMillis(0), Instant.EPOCH.plusMillis(500)),
                control.tries.stream().map(this::sinceStart).toList());
        assertEquals(0, completion.underWay());
    }

    @Test
    void failuresEveryTime_threeTries_backoffDoubles() throws Exception {
        for (int i = 0; i < 5; i++) {
            control.failures.add(new CallControlException("HTTP 503", true, null));
        }
        completion.complete(SID);
        time.awaitSleepsBegun(1);
        time.advanceMillis(500);
        time.awaitSleepsBegun(2);
        assertEquals(2, control.tries.size());
        time.advanceMillis(1_000);
        assertTrue(completion.awaitAll(Duration.ofSeconds(5)));
        assertEquals(List.of(Instant.EPOCH, Instant.EPOCH.plusMillis(500), Instant.EPOCH.plusMillis(1_500)),
                control.tries.stream().map(this::sinceStart).toList());
        assertEquals(CallCompletion.RETRIES.attempts(), control.tries.size());
    }

    @Test
    void failureThatWillNotPass_oneTryOnly() throws Exception {
        control.failures.add(new CallControlException("HTTP 401", false, null));
        completion.complete(SID);
        assertTrue(completion.awaitAll(Duration.ofSeconds(5)));
        assertEquals(1, control.tries.size());
    }

    @Test
    void underWay_countsACompletionPausingBeforeItsRetry() throws Exception {
        control.failures.add(new CallControlException("HTTP 429", true, null));
        completion.complete(SID);
        time.awaitSleepsBegun(1);
        assertEquals(1, completion.underWay());
        assertEquals(false, completion.awaitAll(Duration.ofMillis(1)));
        time.advanceMillis(500);
        assertTrue(completion.awaitAll(Duration.ofSeconds(5)));
        assertEquals(0, completion.underWay());
    }

    @Test
    void withoutCallControl_nothingIsUnderWay() throws Exception {
        CallCompletion none = new CallCompletion(Optional.empty(), time);
        none.complete(SID);
        assertEquals(0, none.underWay());
        assertTrue(none.awaitAll(Duration.ZERO));
    }

    private Instant sinceStart(Instant at) {
        return Instant.EPOCH.plus(Duration.between(Instant.parse("2025-01-01T00:00:00Z"), at));
    }
}
