package callbridge.twilio;

import callbridge.call.CallControl;
import callbridge.call.CallControlException;
import callbridge.config.Config;
import callbridge.testing.FakeTwilioRest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Twilio SDK, pointed at a loopback stand-in through TWILIO_API_BASE_URL, completes calls. */
class TwilioCallControlTest {
    private FakeTwilioRest twilio;
    private CallControl control;

    @BeforeEach
    void start() throws Exception {
        twilio = FakeTwilioRest.start();
        control = TwilioCallControl.from(Config.fromSources(Map.of(
                "TWILIO_ACCOUNT_SID", FakeTwilioRest.ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN", FakeTwilioRest.AUTH_TOKEN,
                "TWILIO_API_BASE_URL", twilio.baseUrl().toString()), Map.of()).twilio()).orElseThrow();
    }

    @AfterEach
    void stop() {
        twilio.close();
    }

    @Test
    void complete_sendsStatusCompletedWithBasicAuth() throws Exception {
        control.complete("CA11111111111111111111111111111111");
        assertEquals(1, twilio.updates().size());
        assertEquals("CA11111111111111111111111111111111", twilio.updates().getFirst().callSid());
        assertEquals("completed", twilio.updates().getFirst().form().get("Status"));
        assertTrue(twilio.problems().isEmpty(), twilio.problems().toString());
    }

    @Test
    void complete_callAlreadyGone404_20404_isSuccess() throws Exception {
        twilio.script("CA22222222222222222222222222222222", new FakeTwilioRest.Error(404, 20404));
        control.complete("CA22222222222222222222222222222222");
        assertEquals(1, twilio.updates().size());
    }

    @Test
    void complete_serverError_isRetryableFailure() {
        String sid = "CA33333333333333333333333333333333";
        // The SDK itself retries some codes; script enough 500s that every try of this call fails.
        for (int i = 0; i < 5; i++) {
            twilio.script(sid, new FakeTwilioRest.Error(500, 20500));
        }
        CallControlException e = assertThrows(CallControlException.class, () -> control.complete(sid));
        assertTrue(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().contains("500"), e.getMessage());
    }

    @Test
    void complete_unauthorized_isFinalFailure() {
        String sid = "CA44444444444444444444444444444444";
        twilio.script(sid, new FakeTwilioRest.Error(401, 20003));
        CallControlException e = assertThrows(CallControlException.class, () -> control.complete(sid));
        assertFalse(e.retryable(), e.getMessage());
    }

    /** talk sees Twilio's refusal as it sees every other service's: an IOException that says what was answered. */
    @Test
    void hangUp_unauthorized_isAnIOException_sayingWhatTwilioAnswered() {
        String sid = "CA55555555555555555555555555555555";
        twilio.script(sid, new FakeTwilioRest.Error(401, 20003));
        OutboundCalls calls = (OutboundCalls) control;
        IOException e = assertThrows(IOException.class, () -> calls.hangUp(sid));
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    }

    @Test
    void hangUp_callAlreadyGone_isDone() throws Exception {
        twilio.script("CA66666666666666666666666666666666", new FakeTwilioRest.Error(404, 20404));
        ((OutboundCalls) control).hangUp("CA66666666666666666666666666666666");
        assertEquals(1, twilio.updates().size());
    }

    @Test
    void from_withoutCredentials_isEmpty() {
        assertEquals(Optional.empty(), TwilioCallControl.from(Config.fromSources(Map.of(), Map.of()).twilio()));
        assertEquals(Optional.empty(), TwilioCallControl.from(
                Config.fromSources(Map.of("TWILIO_ACCOUNT_SID", FakeTwilioRest.ACCOUNT_SID), Map.of()).twilio()));
    }
}
