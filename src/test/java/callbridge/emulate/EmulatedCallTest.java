package callbridge.emulate;

import callbridge.testing.FakeTwilioRest;
import callbridge.testing.TestCallbridge;
import callbridge.twilio.CallIds;
import callbridge.websocket.CloseCodes;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One emulated call against the real server: the frames its line reports are the frames that went out. */
class EmulatedCallTest {
    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("TWILIO_VALIDATE_SIGNATURES", "true"));
    @AutoClose
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aFrameThatCouldNotBeSent_isNotCounted() throws Exception {
        EmulateOptions options = EmulateOptions.parse(List.of("--server", "http://127.0.0.1:" + server.port()),
                Map.of("TWILIO_AUTH_TOKEN", FakeTwilioRest.AUTH_TOKEN));
        CallIds ids = CallIds.random(new SecureRandom(), options.accountSid());
        CallStarter.Started started = new CallStarter(options, http).start(ids);
        EmulatedCall call = new EmulatedCall(ids, started.connection(), CallAudio.silenceOnly(), Optional.empty(),
                Optional.empty(), started.startNanos(), 1, new LatencyHistogram(1_000_000, 10));

        assertTrue(call.tick(call.nextDueNanos()), "the first frame goes out");
        started.connection().close(CloseCodes.NORMAL, "test hangs up"); // nothing may be sent after our close frame
        assertFalse(call.tick(call.nextDueNanos()), "the second cannot");
        Thread.ofVirtual().start(call::readUntilClosed);

        CallResult result = call.result().get();
        assertEquals(1, result.framesSent(), result.toString());
    }
}
