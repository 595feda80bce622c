package callbridge.call;

import callbridge.testing.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The calls whose stream is still to come, which a drain waits for: forgotten on arrival, on end, in time, past a count. */
class AnsweredCallsTest {
    private final ManualTime time = new ManualTime();
    private final CallSetup setup = FakeMediaStream.setup(time, Duration.ofSeconds(50));
    private final CallRegistry registry = new CallRegistry(time, callSid -> {
    });
    private final AnsweredCalls answered = new AnsweredCalls(time);

    @AfterEach
    void stop() {
        registry.endAll(CallEnd.shutdown());
    }

    @Test
    void answeredCall_awaitsItsStream_untilItIsLive() {
        answered.answered(sid(1));
        answered.answered(sid(2));
        assertEquals(2, answered.awaitingStream(registry));
        new FakeMediaStream("MZ1").startCall(registry, setup, sid(1));
        assertEquals(1, answered.awaitingStream(registry), "its stream came");
    }

    @Test
    void answeredCall_thatEndedMeanwhile_awaitsNothing() {
        answered.answered(sid(1));
        CallSession session = new FakeMediaStream("MZ1").startCall(registry, setup, sid(1));
        registry.end(session, CallEnd.shutdown());
        assertEquals(0, answered.awaitingStream(registry));
    }

    @Test
    void streamThatNeverComes_isForgotten_afterItsPatience() {
        answered.answered(sid(1));
        time.advance(AnsweredCalls.STREAM_PATIENCE);
        assertEquals(1, answered.awaitingStream(registry), "exactly the patience is not past it");
        time.advance(Duration.ofMillis(1));
        assertEquals(0, answered.awaitingStream(registry));
    }

    @Test
    void aWebhookFlood_isBounded_keepingTheNewest() {
        for (int i = 0; i < AnsweredCalls.MAX_REMEMBERED + 500; i++) {
            answered.answered(sid(i));
        }
        assertEquals(AnsweredCalls.MAX_REMEMBERED, answered.awaitingStream(registry));
        new FakeMediaStream("MZ1").startCall(registry, setup, sid(AnsweredCalls.MAX_REMEMBERED + 499));
        assertEquals(AnsweredCalls.MAX_REMEMBERED - 1, answered.awaitingStream(registry), "the newest was kept");
    }

    private static String sid(int n) {
        return "CA" + String.format("%032x", n);
    }
}
