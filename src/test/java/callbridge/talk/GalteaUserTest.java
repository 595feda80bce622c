package callbridge.talk;

import callbridge.config.Secret;
import callbridge.testing.FakeGaltea;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code talk} writes to Galtea for one test case, driven turn by turn without a call, against a
 * stand-in that refuses what Galtea's API reference says it refuses.
 */
class GalteaUserTest {
    private static final FakeGaltea.TestCase BOOKING = new FakeGaltea.TestCase("tc-1", "book a table",
            List.of("Quiero reservar.", "Para dos.", "Gracias."));

    @AutoClose
    private final FakeGaltea galtea = FakeGaltea.withTests(Map.of("t", List.of(BOOKING)));
    private final List<Duration> pauses = new ArrayList<>();
    private final GalteaClient client = new GalteaClient(new JsonApi("Galtea", galtea.baseUrl(),
            Optional.of(new Secret(FakeGaltea.API_KEY)), HttpClient.newHttpClient(), Duration.ofSeconds(10),
            JsonApi.RETRIES, pauses::add, Clock.systemUTC()));

    GalteaUserTest() throws IOException {
    }

    @Test
    void greeting_recordedWithTheSdksActualInput_whichTheApiTakes() throws Exception {
        GalteaUser user = begun();

        user.heard(new AgentReply("Restaurante Sol, ¿dígame?", Optional.empty()));

        FakeGaltea.Turn greeting = galtea.sessions().getFirst().turns.getFirst();
        assertEquals("", greeting.input());
        assertEquals("Restaurante Sol, ¿dígame?", greeting.output());
        assertEquals(List.of(), galtea.problems());
    }

    @Test
    void standIn_refusesTheUndocumentedShapes_asTheApiDoes() {
        // A string where the reference has an object, a field no endpoint has, a required one missing.
        for (String body : List.of("{\"sessionId\":\"session_1\",\"input\":\"\"}", "{\"sessionId\":\"session_1\",\"status\":\"FAILED\"}",
                "{\"actualOutput\":\"hola\"}")) {
            JsonApi.ApiException e = assertThrows(JsonApi.ApiException.class, () -> new JsonApi("Galtea", galtea.baseUrl(),
                    Optional.of(new Secret(FakeGaltea.API_KEY)), HttpClient.newHttpClient(), Duration.ofSeconds(10),
                    JsonApi.RETRIES, pauses::add, Clock.systemUTC())
                    .post("/inferenceResults", (com.fasterxml.jackson.databind.node.ObjectNode) callbridge.json.Json.MAPPER.readTree(body)));
            assertEquals(400, e.status(), body);
            assertTrue(e.getMessage().contains("\"error\":\"Bad Request\""), e.getMessage());
        }
    }

    @Test
    void cutAtMaxTurns_finishedWithTheSdksDefaultReason_neverAnInventedOne() throws Exception {
        GalteaUser user = begun();
        user.next();
        user.heard(new AgentReply("¿Para cuántos?", Optional.of(800L)));

        user.ended(new Ending(Ending.Outcome.MAX_TURNS, "1 user turn(s), the --max-turns limit"));

        FakeGaltea.Session session = galtea.sessions().getFirst();
        assertTrue(session.finished);
        assertEquals("FINISHED", session.stoppingReason);
        assertNull(session.error);
        assertEquals(List.of(), galtea.problems());
    }

    @Test
    void simulatorsOwnReason_isTheOneSent() throws Exception {
        GalteaUser user = begun();
        for (int turn = 0; turn < BOOKING.userLines().size(); turn++) {
            user.next();
            user.heard(new AgentReply("Vale.", Optional.of(500L)));
        }
        assertInstanceOf(UserSide.Done.class, user.next());

        user.ended(new Ending(Ending.Outcome.USER_DONE, "the simulator finished"));

        assertEquals(FakeGaltea.STOPPING_REASON, galtea.sessions().getFirst().stoppingReason);
    }

    @Test
    void hungUpOnAPendingTurn_turnGetsTheError_sessionFinishedAsFailed() throws Exception {
        GalteaUser user = begun();
        user.next();

        user.ended(new Ending(Ending.Outcome.HUNG_UP, "the call ended: stop"));

        FakeGaltea.Session session = galtea.sessions().getFirst();
        assertEquals("the agent did not answer: the call ended: stop", session.turns.getFirst().error());
        assertTrue(session.finished);
        assertEquals("the call ended: stop", session.error);
        assertEquals(List.of(), galtea.problems());
    }

    @Test
    void pendingTurnNotWritable_sessionFinishedAll_theSame() throws Exception {
        GalteaUser user = begun();
        user.next();
        FakeGaltea.Answer down = new FakeGaltea.Answer(503, Map.of("error", "Service Unavailable"));
        galtea.answerNext(down, down, down);

        IOException e = assertThrows(IOException.class, () -> user.ended(new Ending(Ending.Outcome.HUNG_UP, "the call ended: stop")));

        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        FakeGaltea.Session session = galtea.sessions().getFirst();
        assertTrue(session.finished, "a session left open is skipped by evaluations");
        assertEquals("the call ended: stop", session.error);
    }

    private GalteaUser begun() throws Exception {
        GalteaUser user = new GalteaUser(client, "v-1", BOOKING.id(), 12);
        user.begin();
        return user;
    }
}
