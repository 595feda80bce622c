package callbridge.call;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A call's end outlives the process for its driver too: a server started again on the same RECORDS_DIR
 * answers {@code /generate} for a call that ended under the one before at once, from the call's record, and
 * {@code GET /calls/{sid}} with the record itself. Over loopback, with real servers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndedCallAcrossRestartTest {
    /** Far less than the timeout the driver asks with: an answer within it was not the timeout running out. */
    private static final long ANSWER_WITHIN_S = 10;

    @TempDir
    private Path records;

    @Test
    void generateAndTheCallsRecord_answerFromTheRecord_afterARestart() throws Exception {
        Map<String, String> settings = Map.of("RECORDS_DIR", records.toString());
        String sid;
        try (TestCallbridge before = TestCallbridge.start(settings); FakeTwilioCall call = before.call()) {
            sid = call.callSid();
            before.session(sid);
            call.stop();
            Path file = records.resolve(sid + ".json");
            Await.until("the record file " + file, Duration.ofSeconds(20), () -> Files.exists(file));
        }
        JsonNode written = Json.MAPPER.readTree(Files.readString(records.resolve(sid + ".json")));

        try (TestCallbridge after = TestCallbridge.start(settings)) {
            JsonNode answer = endedAnswer(after.generateLater(Map.of("sid", sid, "timeout", "30"))
                    .get(ANSWER_WITHIN_S, TimeUnit.SECONDS));
            assertEquals(sid, answer.path("call_sid").asText());
            assertEquals("hung up", answer.path("reason").asText());
            assertEquals("call hung up", answer.path("detail").asText());

            endedAnswer(after.generateLater(Map.of("sid", sid, "input", "¿Sigue ahí?", "timeout", "30"))
                    .get(ANSWER_WITHIN_S, TimeUnit.SECONDS));
            assertEquals(0, after.elevenLabs().ttsRequests().size(), "nothing is spoken into a call that is over");

            HttpResponse<String> record = after.get("/calls/" + sid, TestCallbridge.API_KEY);
            assertEquals(200, record.statusCode(), record.body());
            assertEquals(written, Json.MAPPER.readTree(record.body()));
        }
    }

    private static JsonNode endedAnswer(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = Json.MAPPER.readTree(response.body());
        assertEquals("call_ended", answer.path("kind").asText(), answer.toString());
        assertEquals("Conversation ended by Twilio", answer.path("response").asText());
        return answer;
    }
}
