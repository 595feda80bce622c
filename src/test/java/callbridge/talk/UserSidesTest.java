package callbridge.talk;

import callbridge.config.UsageException;
import callbridge.testing.FakeGaltea;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is checked before anything is dialled, and the user sides' own rules. */
class UserSidesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    private Path dir;

    @Test
    void script_skipsBlankLinesAndComments_marksTheLastLine() throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("# greeting", "  Hola  ", "", "Adiós", "   # done"));
        ScriptedUser user = new ScriptedUser(ScriptedUser.read(file));
        assertEquals(new UserSide.Say("Hola", false), user.next());
        assertEquals(new UserSide.Say("Adiós", true), user.next());
        assertEquals(new UserSide.Done("script finished"), user.next());
    }

    @Test
    void script_missingOrEmpty_isAUsageError() throws Exception {
        UsageException missing = assertThrows(UsageException.class, () -> ScriptedUser.read(dir.resolve("none.txt")));
        assertTrue(missing.getMessage().endsWith("none.txt: no such file"), missing.getMessage());
        Path empty = Files.write(dir.resolve("e.txt"), List.of("# only a comment", ""));
        assertTrue(assertThrows(UsageException.class, () -> ScriptedUser.read(empty)).getMessage().contains("has no lines"));
    }

    @Test
    void script_dtmfMarker_pressesTheKeysBeforeTheWords() throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("[dtmf 12#] Mi número de socio", "Hola",
                "[DTMF   *0abcd]   Ya está", "[dtmf " + "9".repeat(ScriptedUser.MAX_KEYS) + "] Adiós"));
        List<ScriptedUser.Line> lines = ScriptedUser.read(file);
        assertTrue(ScriptedUser.pressesKeys(lines));
        ScriptedUser user = new ScriptedUser(lines);
        assertEquals(new UserSide.Say("Mi número de socio", false, "12#"), user.next());
        assertEquals(new UserSide.Say("Hola", false, ""), user.next());
        assertEquals(new UserSide.Say("Ya está", false, "*0ABCD"), user.next(), "keypads print A-D in capitals");
        assertEquals(new UserSide.Say("Adiós", true, "9".repeat(ScriptedUser.MAX_KEYS)), user.next());
        assertEquals(Optional.empty(), user.nextCutsIn(), "keys are pressed after the agent finished, as any line");
    }

    @Test
    void script_withoutKeys_pressesNone() throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("Hola", "Marco el 1 # no marker, just words"));
        assertEquals(false, ScriptedUser.pressesKeys(ScriptedUser.read(file)));
    }

    @Test
    void script_dtmfMarkerAlone_onlyPressesTheKeys_andIsNeverCutIn() throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("Hola", "[dtmf 1]", "  [DTMF #b]   ", "Gracias", "[dtmf 0]"));
        List<ScriptedUser.Line> lines = ScriptedUser.read(file);
        assertTrue(ScriptedUser.pressesKeys(lines));
        ScriptedUser user = new ScriptedUser(lines);
        assertEquals(new UserSide.Say("Hola", false), user.next());
        assertEquals(false, user.nextCanCutIn(), "keys alone wait for the agent to finish: no cut-in is drawn for them");
        UserSide.Say keys = (UserSide.Say) user.next();
        assertEquals(new UserSide.Say("", false, "1"), keys);
        assertTrue(keys.keysOnly());
        assertEquals(new UserSide.Say("", false, "#B"), user.next());
        assertEquals(true, user.nextCanCutIn());
        assertEquals(new UserSide.Say("Gracias", false), user.next());
        assertEquals(new UserSide.Say("", true, "0"), user.next(), "keys alone can be the last turn");
        assertEquals(true, user.nextCanCutIn(), "nothing follows");
    }

    @Test
    void script_keysWithWords_areNeverCutIn_either() throws Exception {
        ScriptedUser user = new ScriptedUser(ScriptedUser.read(Files.write(dir.resolve("s.txt"),
                List.of("Hola", "[dtmf 12#] Mi número de socio", "Gracias"))));
        user.next();
        assertEquals(false, user.nextCanCutIn(), "keys are pressed once the agent has finished, words or not");
        user.next();
        assertEquals(true, user.nextCanCutIn());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[dtmf] Hola", "[dtmf ]", "[dtmf]", "[dtmf 1 2] Hola", "[dtmf 12x] Hola", "[dtmf E] Hola",
            "[dtmf -1] Hola", "[dtmf12] Hola", "[dtmf 12 Hola", "[dtmf 123456789012345678901234567890123] Hola",
            "[dtmf 123456789012345678901234567890123]"})
    void script_badDtmfMarker_isAUsageErrorQuotingTheLine(String line) throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("Hola", line));
        UsageException e = assertThrows(UsageException.class, () -> ScriptedUser.read(file));
        assertTrue(e.getMessage().contains("'" + line.strip() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("[dtmf 12#]") && e.getMessage().contains("at most 32"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[interrupt 800ms] [dtmf 1]", "[dtmf 1] [interrupt 800ms]", "[dtmf 1] [interrupt 800ms] Perdone",
            "[interrupt 800ms] [DTMF 1] Perdone", "[dtmf 1] [dtmf 2]"})
    void script_keysAndCutInOnOneLine_isAUsageError_notWordsSaidAloud(String line) throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("Hola", line));
        UsageException e = assertThrows(UsageException.class, () -> ScriptedUser.read(file));
        assertTrue(e.getMessage().contains("'" + line + "'") && e.getMessage().contains("one marker a line"),
                e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Sí, para dos.            | say: Sí, para dos.
            Gracias, adiós. [END]    | last: Gracias, adiós.
            [END]                    | done
            '  [END]  '              | done
            [END] Adiós.             | last: Adiós.
            """)
    void persona_endMarker(String reply, String expected) {
        PersonaUser persona = new PersonaUser(null, "m", "someone");
        String actual = switch (persona.interpret(reply)) {
            case UserSide.Say say -> (say.last() ? "last: " : "say: ") + say.text();
            case UserSide.Done done -> "done";
        };
        assertEquals(expected, actual);
    }

    @Test
    void persona_withoutItsSettings_orUnreachable_isAUsageError() throws Exception {
        Path persona = Files.writeString(dir.resolve("p.txt"), "Ana wants a table.");
        UserSource source = new UserSource.Persona(persona);
        assertEquals("LLM_BASE_URL is required: the OpenAI-compatible endpoint, such as https://api.openai.com/v1",
                assertThrows(UsageException.class, () -> UserSides.prepare(source, Map.of(), HTTP, 12)).getMessage());
        assertEquals("LLM_MODEL is required: the chat model's name", assertThrows(UsageException.class,
                () -> UserSides.prepare(source, Map.of("LLM_BASE_URL", "http://127.0.0.1:9"), HTTP, 12)).getMessage());
        List<java.time.Duration> pauses = new java.util.ArrayList<>();
        UsageException unreachable = assertThrows(UsageException.class, () -> UserSides.prepare(source,
                Map.of("LLM_BASE_URL", "http://127.0.0.1:9/v1", "LLM_MODEL", "m"), HTTP, 12, pauses::add));
        assertEquals("the LLM (LLM_BASE_URL) at http://127.0.0.1:9/v1 cannot be reached: connection refused (after 3 tries)",
                unreachable.getMessage());
        assertEquals(2, pauses.size(), "tried again twice, as openai-python does");
    }

    @Test
    void persona_aModelTheEndpointDoesNotList_isAUsageError() throws Exception {
        Path persona = Files.writeString(dir.resolve("p.txt"), "Ana wants a table.");
        try (callbridge.testing.FakeLlm llm = callbridge.testing.FakeLlm.replying(List.of())) {
            UsageException e = assertThrows(UsageException.class, () -> UserSides.prepare(new UserSource.Persona(persona),
                    Map.of("LLM_BASE_URL", llm.baseUrl().toString(), "LLM_MODEL", "gtp-4o", "LLM_API_KEY",
                            callbridge.testing.FakeLlm.API_KEY), HTTP, 12));
            assertEquals("LLM_MODEL 'gtp-4o' is not among the models the LLM (LLM_BASE_URL) lists (test-model)", e.getMessage());
        }
    }

    @Test
    void galtea_positionsPickTestCasesInGalteasOrder_badKeyAndMissingPositionsRefused() throws Exception {
        List<FakeGaltea.TestCase> cases = List.of(new FakeGaltea.TestCase("a", "g", List.of("x")),
                new FakeGaltea.TestCase("b", "g", List.of("x")), new FakeGaltea.TestCase("c", "g", List.of("x")));
        try (FakeGaltea galtea = FakeGaltea.withTests(Map.of("t", cases))) {
            Map<String, String> settings = Map.of("GALTEA_API_KEY", FakeGaltea.API_KEY, "GALTEA_API_URL", galtea.baseUrl().toString());
            List<UserSides.Plan> plans = UserSides.prepare(new UserSource.Galtea("v", Optional.of("t"), List.of(2, 0), Optional.empty()),
                    settings, HTTP, 12);
            assertEquals(List.of("c", "a"), plans.stream().map(UserSides.Plan::label).toList());

            UsageException outOfRange = assertThrows(UsageException.class, () -> UserSides.prepare(
                    new UserSource.Galtea("v", Optional.of("t"), List.of(3), Optional.empty()), settings, HTTP, 12));
            assertTrue(outOfRange.getMessage().contains("has 3 test cases (positions 0 to 2), so there is no 3"), outOfRange.getMessage());

            UsageException badKey = assertThrows(UsageException.class, () -> UserSides.prepare(
                    new UserSource.Galtea("v", Optional.of("t"), List.of(), Optional.empty()),
                    Map.of("GALTEA_API_KEY", "wrong", "GALTEA_API_URL", galtea.baseUrl().toString()), HTTP, 12));
            assertTrue(badKey.getMessage().contains("HTTP 401 (check the API key)"), badKey.getMessage());
        }
    }

    @Test
    void generateAnswers_readAsTurns() throws Exception {
        assertEquals(new TurnAnswer.Heard(List.of(), new TurnAnswer.Spoken("Hola", Optional.empty(), Optional.empty(), Optional.empty()), Optional.of(420L), Optional.empty()),
                TurnAnswer.read("{\"response\":\"Hola\",\"kind\":\"utterance\",\"response_latency_ms\":420}"));
        TurnAnswer.Heard withEarlier = (TurnAnswer.Heard) TurnAnswer.read("{\"response\":\"¿Algo más?\","
                + "\"kind\":\"utterance\",\"heard_before\":[{\"number\":2,\"text\":\"Un momento.\"}],\"response_latency_ms\":-300}");
        assertEquals(List.of(new TurnAnswer.Spoken("Un momento.", Optional.empty(), Optional.empty(), Optional.empty())), withEarlier.earlier());
        assertEquals(new AgentReply("Un momento. ¿Algo más?", Optional.of(-300L)), withEarlier.wholeReply(),
                "what the agent said while nobody asked is part of its answer, never dropped");
        assertEquals(new TurnAnswer.CallEnded("hung up", List.of(), Optional.empty()),
                TurnAnswer.read("{\"response\":\"Conversation ended by Twilio\",\"kind\":\"call_ended\",\"reason\":\"hung up\"}"));
        assertEquals(new TurnAnswer.CallEnded("call hung up", List.of(), Optional.empty()),
                TurnAnswer.read("{\"response\":\"call hung up\",\"kind\":\"call_ended\"}"));
    }

    @Test
    void persona_interjects_toldTheAgentHasOnlyJustBegun() throws Exception {
        try (callbridge.testing.FakeLlm llm = callbridge.testing.FakeLlm.replying(List.of("Sí, para dos.", "¡Perdone!"))) {
            JsonApi api = new JsonApi("the LLM", llm.baseUrl(), Optional.of(new callbridge.config.Secret(callbridge.testing.FakeLlm.API_KEY)),
                    HTTP, java.time.Duration.ofSeconds(10), JsonApi.RETRIES, callbridge.time.Sleeper.REAL, java.time.Clock.systemUTC());
            PersonaUser persona = new PersonaUser(api, callbridge.testing.FakeLlm.MODEL, "someone in a hurry");
            persona.heard(new AgentReply("Restaurante Sol, ¿dígame?", Optional.empty()));
            assertEquals(new UserSide.Say("Sí, para dos.", false), persona.next());
            assertEquals(new UserSide.Say("¡Perdone!", false), persona.interject());
            List<com.fasterxml.jackson.databind.JsonNode> asked = llm.conversations();
            com.fasterxml.jackson.databind.JsonNode last = asked.get(1).get(asked.get(1).size() - 1);
            assertEquals(List.of("user", PersonaUser.CUT_IN), List.of(last.path("role").asText(), last.path("content").asText()));
        }
    }
}
