package callbridge.call;

import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.LogCapture;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioDialer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values a media-stream peer sizes never reach a session, a record or a log line unbounded: a DTMF
 * "digit" is one key of a keypad (anything else is a malformed message, counted and dropped), and a
 * value that is logged cannot forge a log line. Over loopback, as an attacker holding a stream URL would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientSizedValuesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());
    @AutoClose
    private final LogCapture log = LogCapture.of(CallSession.class, Class.forName("callbridge.twilio.MediaStreamListener"));

    ClientSizedValuesTest() throws ClassNotFoundException {
    }

    @Test
    void dtmfThatIsNoKey_isDropped_onlyKeysReachTheRecordAndTheDigitQueue() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            String sid = call.callSid();
            server.session(sid);
            for (String forged : List.of("1".repeat(60_000), "12", "1\r\nSEVERE forged line", "x")) {
                call.sendText(dtmf(call.streamSid(), forged));
            }
            call.sendDtmf("5"); // handled in order: once it is in the record, so is whatever came before
            Await.until("the key 5 in the record", WAIT, () -> keys(sid).contains("5"));
            assertEquals(List.of("5"), keys(sid));
            assertEquals(List.of("5"), server.session(sid).takeDigits(), "what the next answer hands the driver");
        }
        assertTrue(log.records().stream().noneMatch(r -> r.getMessage().contains("forged")), LogCapture.messages(log.records()).toString());
    }

    @Test
    void customParametersWithLineBreaks_areLoggedOnOneLine() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        TwilioDialer.Stream stream = server.twilio().webhook(sid);
        URI url = server.twilio().local(stream.url());
        try (FakeTwilioCall call = FakeTwilioCall.connect(url, sid, FakeTwilioCall.newStreamSid(),
                Map.of("From", "+1\r\nSEVERE forged", "To", "x".repeat(1_000)), Map.of())) {
            server.session(sid);
            LogRecord started = log.await(r -> r.getMessage().contains("started"), WAIT);
            String line = java.text.MessageFormat.format(started.getMessage(), started.getParameters());
            assertFalse(line.contains("\n") || line.contains("\r"), line);
            assertTrue(line.length() < 600, line);
        }
    }

    private List<String> keys(String sid) throws Exception {
        JsonNode record = JSON.readTree(server.get("/calls/" + sid, TestCallbridge.API_KEY).body());
        List<String> keys = new ArrayList<>();
        for (JsonNode turn : record.path("turns")) {
            turn.path("digits").forEach(key -> keys.add(key.path("digit").asText()));
        }
        return keys;
    }

    private static String dtmf(String streamSid, String digit) {
        return JSON.createObjectNode().put("event", "dtmf").put("streamSid", streamSid)
                .set("dtmf", JSON.createObjectNode().put("track", "inbound_track").put("digit", digit)).toString();
    }
}
