package callbridge.talk;

import callbridge.config.UsageException;
import callbridge.testing.AgentOnThePhone;
import callbridge.testing.FakeGaltea;
import callbridge.testing.FakeLlm;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.PlacedCall;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static callbridge.testing.SpeechClips.HORARIO_APERTURA;
import static callbridge.testing.SpeechClips.MANANA_NUEVE;
import static callbridge.testing.SpeechClips.RESERVAR_MESA;
import static callbridge.testing.SpeechClips.SI_GRACIAS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code talk} end to end on loopback: a real callbridge server, the ElevenLabs stand-in, and a Twilio REST
 * stand-in that answers each call {@code talk} places with an {@link AgentOnThePhone} (webhook, media
 * stream, real speech clips spoken in reply to what the server plays). Each test has its own server and
 * stand-ins, so they run at once: they spend their time waiting for speech played at real-time pace.
 */
@Execution(ExecutionMode.CONCURRENT)
class TalkTest {
    /** Turns end after 1 s of silence instead of 2.8 s: the clips have no pause that long. */
    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("SILENCE_MS", "1000"));

    @TempDir
    private Path dir;

    @Test
    void script_threeTurns_everyTurnInTheReport_callCompletedOnceByTalk() throws Exception {
        server.twilioRest().answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS, HORARIO_APERTURA)));
        Path script = script("# a booking", "Buenas tardes, ¿tienen mesa?", "", "Para dos, por favor.", "Gracias, hasta luego.");

        TalkRunner.Result result = TalkRunner.run(server, dir, Map.of(), "--script", script.toString());

        assertEquals(Talk.Exit.FINISHED, result.exit(), result.output());
        JsonNode conversation = result.conversation(0);
        assertEquals("user_done", conversation.path("outcome").asText(), result.output());
        assertEquals(List.of(
                "agent: " + SpeechClips.textOf(RESERVAR_MESA),
                "user: Buenas tardes, ¿tienen mesa?", "agent: " + SpeechClips.textOf(MANANA_NUEVE),
                "user: Para dos, por favor.", "agent: " + SpeechClips.textOf(SI_GRACIAS),
                "user: Gracias, hasta luego.", "agent: " + SpeechClips.textOf(HORARIO_APERTURA)), turns(conversation));
        for (JsonNode turn : conversation.path("turns")) {
            boolean answer = turn.path("speaker").asText().equals("agent") && !turn.equals(conversation.path("turns").get(0));
            assertEquals(answer, turn.path("response_latency_ms").isNumber(), turn.toString());
        }
        assertTrue(result.report().path("finished").asBoolean());
        assertEquals(3, conversation.path("user_turns").asInt());

        PlacedCall call = onlyCall();
        assertEquals(call.sid(), conversation.path("call_sid").asText());
        assertEquals(Map.of("To", TalkRunner.TO, "From", TalkRunner.FROM, "Url", "http://127.0.0.1:" + server.port() + "/twilio-voice"),
                Map.of("To", call.to(), "From", call.from(), "Url", call.webhook().toString()));
        call.completedByApi().get(10, TimeUnit.SECONDS);
        assertEquals(1, server.twilioRest().updatesFor(call.sid()).stream().filter(FakeTwilioRest.CallUpdate::whileLive).count(),
                server.twilioRest().updatesFor(call.sid()).toString());
        assertTrue(result.output().contains("agent ("), "one line per turn with the latency: " + result.output());
        assertEquals(List.of(), server.twilioRest().problems());

        // The report carries the server's own record of the call, final (talk waited for the server to see the end).
        JsonNode record = conversation.path("server_record");
        assertEquals(call.sid(), record.path("call_sid").asText(), record.toString());
        assertFalse(record.path("live").asBoolean(true), record.toString());
        List<String> recorded = new ArrayList<>();
        record.path("turns").forEach(turn -> recorded.add(
                (turn.path("side").asText().equals("far_end") ? "agent: " : "user: ") + turn.path("text").asText()));
        assertEquals(turns(conversation), recorded);
    }

    @Test
    void farEndHangsUp_midConversation_reportedAsHungUp() throws Exception {
        server.twilioRest().answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS)).hangingUpAfter(1));
        Path script = script("Hola.", "¿A qué hora?", "Gracias.");

        TalkRunner.Result result = TalkRunner.run(server, dir, Map.of(), "--script", script.toString());

        assertEquals(Talk.Exit.NOT_FINISHED, result.exit(), result.output());
        JsonNode conversation = result.conversation(0);
        assertEquals("hung_up", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(List.of("agent: " + SpeechClips.textOf(RESERVAR_MESA), "user: Hola.", "agent: " + SpeechClips.textOf(MANANA_NUEVE),
                "user: ¿A qué hora?"), turns(conversation));
        assertTrue(result.output().contains("did not run to their end"), result.output());
    }

    @Test
    void userFirst_theFirstLineIsSpokenAsSoonAsTheCallConnects() throws Exception {
        server.twilioRest().answerCallsWith(AgentOnThePhone.saying(null, List.of(HORARIO_APERTURA)));
        Path script = script("Hola, ¿está abierto?");

        TalkRunner.Result result = TalkRunner.run(server, dir, Map.of(), "--script", script.toString(), "--user-first", "--record");

        assertEquals(Talk.Exit.FINISHED, result.exit(), result.output());
        assertEquals("true", onlyCall().form().get("Record"));
        assertEquals(List.of("user: Hola, ¿está abierto?", "agent: " + SpeechClips.textOf(HORARIO_APERTURA)),
                turns(result.conversation(0)));
    }

    @Test
    void serverGoneAfterTheChecks_isAnError_theCallIsStillHungUp() throws Exception {
        server.twilioRest().answerCallsWith(call -> call.status("in-progress"));
        int deadPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Path script = script("Hola.");

        TalkRunner.Result result = TalkRunner.runWith(server, dir, Map.of(), new CountDownLatch(1), List.of("--to", TalkRunner.TO,
                "--from", TalkRunner.FROM, "--server", "http://127.0.0.1:" + deadPort, "--script", script.toString()));

        assertEquals(Talk.Exit.NOT_FINISHED, result.exit(), result.output());
        JsonNode conversation = result.conversation(0);
        assertEquals("error", conversation.path("outcome").asText());
        assertTrue(conversation.path("detail").asText().contains("cannot be reached"), conversation.toString());
        onlyCall().completedByApi().get(10, TimeUnit.SECONDS);
    }

    @Test
    void serverCheck_refusesAWrongKeyOrNoServer_beforeDialling() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI url = java.net.URI.create("http://127.0.0.1:" + server.port());
        Talk.checkServer(http, url, new callbridge.config.Secret(TestCallbridge.API_KEY));
        UsageException wrongKey = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> Talk.checkServer(http, url, new callbridge.config.Secret("wrong")));
        assertTrue(wrongKey.getMessage().contains("(API_KEY is not the server's)"), wrongKey.getMessage());
        UsageException none = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> Talk.checkServer(http, java.net.URI.create("http://127.0.0.1:9"), new callbridge.config.Secret("k")));
        assertEquals("the callbridge server at http://127.0.0.1:9 cannot be reached: connection refused", none.getMessage());
    }

    @Test
    void noAnswer_reportedAsNotAnswered_nothingHungUp() throws Exception {
        server.twilioRest().answerCallsWith(call -> call.status("no-answer"));
        Path script = script("Hola.");

        TalkRunner.Result result = TalkRunner.run(server, dir, Map.of(), "--script", script.toString(), "--turn-timeout", "1");

        assertEquals(Talk.Exit.NOT_FINISHED, result.exit(), result.output());
        assertEquals("not_answered", result.conversation(0).path("outcome").asText(), result.conversation(0).toString());
        assertTrue(result.conversation(0).path("detail").asText().contains("no-answer"));
        assertEquals(List.of(), server.twilioRest().updatesFor(onlyCall().sid()), "a call that was never answered needs no hanging up");
    }

    @Test
    void persona_llmPlaysTheUser_untilItSignalsTheEnd() throws Exception {
        server.twilioRest().answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS)));
        Path persona = Files.writeString(dir.resolve("persona.txt"), "Ana, 40, wants a table for two tomorrow at nine.");
        try (FakeLlm llm = FakeLlm.replying(List.of("Sí, para dos.", "Perfecto, gracias. [END]"))) {
            TalkRunner.Result result = TalkRunner.run(server, dir, Map.of("LLM_BASE_URL", llm.baseUrl().toString(),
                    "LLM_MODEL", FakeLlm.MODEL, "LLM_API_KEY", FakeLlm.API_KEY), "--persona", persona.toString());

            assertEquals(Talk.Exit.FINISHED, result.exit(), result.output());
            assertEquals(List.of("agent: " + SpeechClips.textOf(RESERVAR_MESA), "user: Sí, para dos.",
                    "agent: " + SpeechClips.textOf(MANANA_NUEVE), "user: Perfecto, gracias.",
                    "agent: " + SpeechClips.textOf(SI_GRACIAS)), turns(result.conversation(0)));
            List<JsonNode> asked = llm.conversations();
            assertEquals(2, asked.size());
            JsonNode second = asked.get(1);
            assertTrue(second.get(0).path("content").asText().contains("Ana, 40"), "the persona is the system prompt");
            assertEquals(List.of("system", "user", "assistant", "user"), roles(second));
            assertEquals(SpeechClips.textOf(MANANA_NUEVE), second.get(3).path("content").asText(), "the agent speaks as the chat's user");
            assertEquals(List.of(), llm.problems());
        }
    }

    @Test
    void galtea_threeTestCasesInParallel_threeCallsAtOnce_eachSessionClosed_oneReport() throws Exception {
        List<FakeGaltea.TestCase> cases = List.of(
                new FakeGaltea.TestCase("tc-1", "book a table", List.of("Quiero reservar.", "Gracias.")),
                new FakeGaltea.TestCase("tc-2", "ask the hours", List.of("¿Qué horario tienen?", "Vale.")),
                new FakeGaltea.TestCase("tc-3", "cancel", List.of("Quiero cancelar.", "Adiós.")));
        AgentOnThePhone agent = AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS));
        CountDownLatch allRinging = new CountDownLatch(3);
        server.twilioRest().answerCallsWith(call -> {
            allRinging.countDown(); // the agent answers only once all three calls ring: they run at once
            assertTrue(allRinging.await(30, TimeUnit.SECONDS), "three calls at once");
            agent.ring(call);
        });
        try (FakeGaltea galtea = FakeGaltea.withTests(Map.of("test-1", cases))) {
            TalkRunner.Result result = TalkRunner.run(server, dir, Map.of("GALTEA_API_KEY", FakeGaltea.API_KEY,
                            "GALTEA_API_URL", galtea.baseUrl().toString()),
                    "--galtea-version", "v-1", "--galtea-test", "test-1", "--parallel", "3");

            assertEquals(Talk.Exit.FINISHED, result.exit(), result.output());
            assertEquals(3, server.twilioRest().placedCalls().size());
            assertEquals(3, galtea.mostOpenAtOnce());
            assertEquals(3, result.report().path("conversations").size());
            for (FakeGaltea.Session session : galtea.sessions()) {
                assertTrue(session.finished, session.id);
                assertEquals(FakeGaltea.STOPPING_REASON, session.stoppingReason);
                assertEquals("v-1", session.versionId);
                assertEquals(3, session.turns.size(), "greeting and two answered lines");
                assertEquals(SpeechClips.textOf(RESERVAR_MESA), session.turns.get(0).output());
                assertEquals(SpeechClips.textOf(MANANA_NUEVE), session.turns.get(1).output());
                assertTrue(session.turns.get(1).latency() != null && session.turns.get(1).latency() >= 0, session.turns.toString());
                JsonNode conversation = conversationWithSession(result, session.id);
                assertTrue(conversation.path("call_sid").asText().startsWith("CA"), conversation.toString());
                assertEquals(session.testCaseId, conversation.path("galtea_test_case_id").asText());
            }
            assertEquals(List.of(), galtea.problems());
        }
    }

    @Test
    void galtea_oneTestCaseFailing_neverStopsTheOthers() throws Exception {
        List<FakeGaltea.TestCase> cases = List.of(
                new FakeGaltea.TestCase("ok-1", "book", List.of("Quiero reservar.")),
                new FakeGaltea.TestCase("broken", "hours", List.of("¿Qué horario tienen?")),
                new FakeGaltea.TestCase("ok-2", "cancel", List.of("Quiero cancelar.")));
        server.twilioRest().answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE)));
        try (FakeGaltea galtea = FakeGaltea.withTests(Map.of("t", cases))) {
            galtea.refuseSessionsFor("broken");
            TalkRunner.Result result = TalkRunner.run(server, dir, Map.of("GALTEA_API_KEY", FakeGaltea.API_KEY,
                    "GALTEA_API_URL", galtea.baseUrl().toString()), "--galtea-version", "v", "--galtea-test", "t", "--parallel", "2");

            assertEquals(Talk.Exit.NOT_FINISHED, result.exit(), result.output());
            List<String> outcomes = new ArrayList<>();
            result.report().path("conversations").forEach(c -> outcomes.add(c.path("label").asText() + " " + c.path("outcome").asText()));
            assertEquals(List.of("ok-1 user_done", "broken error", "ok-2 user_done"), outcomes);
            assertEquals(2, server.twilioRest().placedCalls().size(), "no call is placed for a test case whose session failed");
        }
    }

    @Test
    void prototypeConfigFile_twoTestCasesByPosition_twoCallsThroughGaltea() throws Exception {
        List<FakeGaltea.TestCase> cases = List.of(
                new FakeGaltea.TestCase("tc-0", "book", List.of("Quiero reservar.")),
                new FakeGaltea.TestCase("tc-1", "hours", List.of("¿Qué horario tienen?")),
                new FakeGaltea.TestCase("tc-2", "cancel", List.of("Quiero cancelar.")));
        server.twilioRest().answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE)));
        try (FakeGaltea galtea = FakeGaltea.withTests(Map.of("test-7", cases))) {
            Path config = Files.writeString(dir.resolve("config.yaml"), """
                    remote_url: "http://localhost:%d"
                    base_url: "http://127.0.0.1:%d"
                    from_number: "%s"
                    to_number: "%s"
                    test_id: "test-7"
                    version_id: "v-7"
                    tests: [1, 2]
                    asycio_timeout: 30.0
                    request_timeout: 45
                    talk_timeout: 80
                    max_turns: 12
                    agent_goes_first: true
                    """.formatted(server.port(), server.port(), TalkRunner.FROM, TalkRunner.TO));

            TalkRunner.Result result = TalkRunner.runWith(server, dir, Map.of("GALTEA_API_KEY", FakeGaltea.API_KEY,
                    "GALTEA_API_URL", galtea.baseUrl().toString()), new CountDownLatch(1), List.of("--config", config.toString()));

            assertEquals(Talk.Exit.FINISHED, result.exit(), result.output());
            assertTrue(server.twilioRest().placedCalls().stream().allMatch(call -> call.webhook().toString()
                    .equals("http://localhost:" + server.port() + "/twilio-voice")), "Twilio is given remote_url, the public one");
            assertEquals(List.of("tc-1", "tc-2"), galtea.sessions().stream().map(session -> session.testCaseId).sorted().toList());
            assertEquals(2, server.twilioRest().placedCalls().size());
            assertTrue(galtea.sessions().stream().allMatch(session -> session.finished && "v-7".equals(session.versionId)));
            assertEquals(List.of(), galtea.problems());
        }
    }

    private PlacedCall onlyCall() {
        List<PlacedCall> calls = server.twilioRest().placedCalls();
        assertEquals(1, calls.size());
        return calls.get(0);
    }

    private Path script(String... lines) throws Exception {
        return Files.write(dir.resolve("script.txt"), List.of(lines));
    }

    private static List<String> turns(JsonNode conversation) {
        List<String> said = new ArrayList<>();
        conversation.path("turns").forEach(turn -> said.add(turn.path("speaker").asText() + ": " + turn.path("text").asText()));
        return said;
    }

    private static List<String> roles(JsonNode messages) {
        List<String> roles = new ArrayList<>();
        messages.forEach(message -> roles.add(message.path("role").asText()));
        return roles;
    }

    private static JsonNode conversationWithSession(TalkRunner.Result result, String sessionId) {
        for (JsonNode conversation : result.report().path("conversations")) {
            if (conversation.path("galtea_session_id").asText().equals(sessionId)) {
                return conversation;
            }
        }
        throw new AssertionError("no conversation with session " + sessionId + " in " + result.report());
    }
}
