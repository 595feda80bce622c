package callbridge;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.LogCapture;
import callbridge.testing.TestCallbridge;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What shutdown says about calls that ended just before it: their completion at Twilio is still under way,
 * is counted in the first line and waited for, and "grace ran out" is said only when some really were not
 * completed, with how many.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());
    @AutoClose
    private final LogCapture log = LogCapture.of(Callbridge.class);

    @Test
    void afterTheLastCallEnded_itsCompletionIsCountedAndAwaited_andTheGraceDoesNotRunOut() throws Exception {
        String sid = hangUpWithCompletionUnderWay(new FakeTwilioRest.Error(503, 20_500));
        server.app().shutdown(WAIT);
        assertEquals(2, server.twilioRest().updatesFor(sid).size(), "the retry after the 503 was not waited for");
        List<String> lines = lines();
        assertTrue(lines.contains("INFO shutting down: ending 0 call(s), 1 ended call(s) still being completed at Twilio, 10 s grace"),
                lines.toString());
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("WARNING")), lines.toString());
    }

    @Test
    void graceRunningOut_saysHowManyCallsWereNotCompleted() throws Exception {
        hangUpWithCompletionUnderWay(new FakeTwilioRest.Hang());
        server.app().shutdown(Duration.ZERO);
        List<String> lines = lines();
        assertTrue(lines.contains("WARNING shutdown grace ran out with 1 call(s) not yet completed at Twilio"), lines.toString());
    }

    /** A call hangs up, and Twilio's answer to its first completion request is {@code reply}. */
    private String hangUpWithCompletionUnderWay(FakeTwilioRest.Reply reply) throws Exception {
        FakeTwilioCall call = server.call();
        server.twilioRest().script(call.callSid(), reply);
        server.session(call.callSid());
        call.close();
        server.twilioRest().awaitUpdates(1, WAIT);
        return call.callSid();
    }

    private List<String> lines() {
        SimpleFormatter formatter = new SimpleFormatter();
        return log.records().stream().map((LogRecord r) -> r.getLevel() + " " + formatter.formatMessage(r)).toList();
    }
}
