package callbridge.agent;

import callbridge.audio.Wav;
import callbridge.talk.Talk;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.LocalTalk;
import callbridge.testing.ServerProcess;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static callbridge.testing.SpeechClips.HORARIO_APERTURA;
import static callbridge.testing.SpeechClips.MANANA_NUEVE;
import static callbridge.testing.SpeechClips.RESERVAR_MESA;
import static callbridge.testing.SpeechClips.SI_GRACIAS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's walkthrough on one machine: {@code emulate agent --lines} (here in the test's process) called by
 * {@code talk --local-agent} (a child process, as a user runs it), every line spoken and heard through the
 * ElevenLabs stand-in, which speaks the committed clips for their texts so both the agent's VAD and the
 * server's recogniser hear real speech.
 */
class ExampleAgentTalkTest {
    @TempDir
    private Path dir;
    private LocalTalk local;
    private FakeElevenLabs elevenLabs;
    private ExampleAgent agent;
    private final ByteArrayOutputStream agentOutput = new ByteArrayOutputStream();

    @BeforeEach
    void startStandIns() throws IOException {
        local = LocalTalk.start(dir, ExampleAgentTalkTest::clipFor);
        elevenLabs = local.elevenLabs();
    }

    @AfterEach
    void stopEverything() {
        local.close();
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void walkthrough_talkHangsUpWhenItsScriptIsDone_reportHasEveryTurn_agentHearsTheHangUp() throws Exception {
        startAgent(RESERVAR_MESA, MANANA_NUEVE, SI_GRACIAS);

        JsonNode report = runTalk(Talk.Exit.FINISHED, text(HORARIO_APERTURA), text(HORARIO_APERTURA));

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("local", report.path("carrier").asText(), report.toString());
        assertEquals("user_done", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(List.of("agent: " + text(RESERVAR_MESA), "user: " + text(HORARIO_APERTURA),
                "agent: " + text(MANANA_NUEVE), "user: " + text(HORARIO_APERTURA), "agent: " + text(SI_GRACIAS)),
                LocalTalk.turns(conversation));
        String printed = agentOutput.toString(StandardCharsets.UTF_8);
        assertEquals(2, printed.split("the caller spoke", -1).length - 1, printed);
        assertTrue(printed.contains("the caller hung up"), printed);
    }

    @Test
    void agentOutOfLines_hangsUpOnTheCallersNextTurn_talkReportsHungUp() throws Exception {
        startAgent(RESERVAR_MESA, MANANA_NUEVE);

        JsonNode report = runTalk(Talk.Exit.NOT_FINISHED, text(HORARIO_APERTURA), text(HORARIO_APERTURA), text(SI_GRACIAS));

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("hung_up", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(List.of("agent: " + text(RESERVAR_MESA), "user: " + text(HORARIO_APERTURA),
                "agent: " + text(MANANA_NUEVE), "user: " + text(HORARIO_APERTURA)), LocalTalk.turns(conversation));
        String printed = agentOutput.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("hangs up (no line left to say)"), printed);
    }

    @Test
    void audioRecordings_areTheAgentsLines_withNoSpeechKey_andAreNamedAsTheyPlay() throws Exception {
        List<String> files = new ArrayList<>();
        for (String clip : List.of(RESERVAR_MESA, SI_GRACIAS)) {
            files.add(Files.write(dir.resolve(clip + ".wav"), Wav.fromMuLaw(SpeechClips.load(clip))).toString());
        }
        // A speech key and the stand-in at hand: recordings still make no speech request.
        agent = ExampleAgent.start(List.of("--port", "0", "--audio", String.join(",", files)), speech(),
                new PrintStream(agentOutput, true, StandardCharsets.UTF_8));
        assertEquals(0, elevenLabs.ttsRequests().size(), "recordings are played as they are");

        JsonNode report = runTalk(Talk.Exit.FINISHED, text(HORARIO_APERTURA));

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("user_done", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(List.of("agent: " + text(RESERVAR_MESA), "user: " + text(HORARIO_APERTURA), "agent: " + text(SI_GRACIAS)),
                LocalTalk.turns(conversation));
        String printed = agentOutput.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(RESERVAR_MESA + ".wav") && printed.contains(SI_GRACIAS + ".wav"), printed);
    }

    @Test
    void noSpeechKey_linesRefused_namingTheSettingAndWhereToGetIt() throws Exception {
        Path lines = Files.write(dir.resolve("agent.txt"), List.of("Hola."));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // The stand-in at hand but no key: refused before any speech request.
        ExampleAgent.Exit exit = ExampleAgent.run(List.of("--port", "0", "--lines", lines.toString()),
                Map.of("ELEVENLABS_BASE_URL", elevenLabs.baseUrl().toString()),
                new PrintStream(agentOutput, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new CountDownLatch(1));

        assertEquals(ExampleAgent.Exit.USAGE, exit);
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("ELEVENLABS_API_KEY is not set") && said.contains("https://elevenlabs.io/app/settings/api-keys")
                && said.contains("--audio"), said);
        assertEquals(0, elevenLabs.ttsRequests().size());
    }

    @Test
    void noSpeechKey_talkLocalAgent_saysWhatIsMissing_beforeCallingTheAgent() throws Exception {
        startAgent(RESERVAR_MESA);
        Map<String, String> environment = local.environment();
        environment.remove("ELEVENLABS_API_KEY");
        Path script = Files.write(dir.resolve("lines.txt"), List.of("Hola."));

        ServerProcess talk = local.start(environment, List.of("talk", "--local-agent",
                "http://localhost:" + agent.port() + ExampleAgent.WEBHOOK_PATH, "--script", script.toString()));

        assertEquals(Talk.Exit.USAGE.code, talk.awaitExit(LocalTalk.WAIT), talk.log());
        assertTrue(talk.log().contains("ELEVENLABS_API_KEY is not set")
                && talk.log().contains("https://elevenlabs.io/app/settings/api-keys"), talk.log());
        assertEquals("", agentOutput.toString(StandardCharsets.UTF_8), "the agent was never called");
    }

    private void startAgent(String... clips) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String clip : clips) {
            lines.add(text(clip));
        }
        Path file = Files.write(dir.resolve("agent.txt"), lines);
        agent = ExampleAgent.start(List.of("--port", "0", "--lines", file.toString()), speech(),
                new PrintStream(agentOutput, true, StandardCharsets.UTF_8));
    }

    /** The agent's settings for speaking through the stand-in. */
    private Map<String, String> speech() {
        return Map.of("ELEVENLABS_API_KEY", FakeElevenLabs.API_KEY, "ELEVENLABS_BASE_URL", elevenLabs.baseUrl().toString());
    }

    private JsonNode runTalk(Talk.Exit expected, String... lines) throws Exception {
        return local.run(URI.create("http://localhost:" + agent.port() + ExampleAgent.WEBHOOK_PATH), expected.code,
                log -> log + "\nthe agent printed:\n" + agentOutput, lines);
    }

    /** The committed clip whose text this is (real speech, which the VAD hears), else the stand-in's usual sound. */
    private static byte[] clipFor(String text) {
        return SpeechClips.ALL.stream().filter(clip -> text(clip).equals(text)).findFirst()
                .map(SpeechClips::load).orElseGet(() -> TestCallbridge.voiceFor(text));
    }

    private static String text(String clip) {
        return SpeechClips.textOf(clip);
    }
}
