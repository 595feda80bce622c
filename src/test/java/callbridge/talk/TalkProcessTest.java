package callbridge.talk;

import callbridge.json.Json;
import callbridge.testing.AgentOnThePhone;
import callbridge.testing.ClipRecognizer;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.PlacedCall;
import callbridge.testing.ServerProcess;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static callbridge.testing.SpeechClips.MANANA_NUEVE;
import static callbridge.testing.SpeechClips.RESERVAR_MESA;
import static callbridge.testing.SpeechClips.SI_GRACIAS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar callbridge.jar talk} as a user runs it, as a child process: by default it starts its own
 * server, and a signal or a bad flag ends it as the user would expect.
 */
class TalkProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    private Path dir;
    private FakeTwilioRest twilio;
    private FakeElevenLabs elevenLabs;
    private ServerProcess talk;

    @BeforeEach
    void startStandIns() throws IOException {
        twilio = FakeTwilioRest.start();
        elevenLabs = FakeElevenLabs.start(ClipRecognizer::recognize, TestCallbridge::voiceFor);
    }

    @AfterEach
    void stopEverything() {
        if (talk != null) {
            talk.close();
        }
        twilio.close();
        elevenLabs.close();
    }

    @Test
    void sigint_midCall_completesTheCallOnce_writesTheReport_exits130() throws Exception {
        twilio.answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS)));
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola, buenas.", "¿Para mañana?", "Gracias."));
        int port = freePort();
        talk = ServerProcess.run(dir, environment(port), List.of("talk", "--script", script.toString(),
                "--report", dir.resolve("report.json").toString()));

        talk.awaitLine(line -> line.startsWith("user : Hola, buenas."), WAIT);
        talk.sigint();

        assertEquals(Talk.Exit.INTERRUPTED.code, talk.awaitExit(WAIT), talk.log());
        PlacedCall call = twilio.placedCalls().get(0);
        call.completedByApi().get(10, TimeUnit.SECONDS);
        assertEquals(1, twilio.updatesFor(call.sid()).stream().filter(FakeTwilioRest.CallUpdate::whileLive).count(),
                twilio.updatesFor(call.sid()).toString());
        JsonNode conversation = Json.MAPPER.readTree(dir.resolve("report.json").toFile()).path("conversations").path(0);
        assertEquals("interrupted", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(call.sid(), conversation.path("call_sid").asText());
        assertTrue(talk.logged(line -> line.contains("talk: interrupted")), talk.log());
        assertTrue(talk.logged(line -> line.equals("-- ended: interrupted: stopped by Ctrl-C (SIGINT) or SIGTERM")), talk.log());
        assertTrue(!talk.logged(line -> line.contains("interrupted: interrupted") || line.contains("interrupted (interrupted")),
                "the outcome is said once: " + talk.log());
    }

    @Test
    void badNumber_nothingDialled_exit2_namingTheFlag() throws Exception {
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola."));
        Map<String, String> environment = environment(freePort());
        environment.put("TALK_TO", "600 123 456");
        talk = ServerProcess.run(dir, environment, List.of("talk", "--script", script.toString()));

        assertEquals(Talk.Exit.USAGE.code, talk.awaitExit(WAIT), talk.log());
        assertTrue(talk.logged(line -> line.contains("--to (TALK_TO) must be a phone number in E.164 form")), talk.log());
        assertEquals(List.of(), twilio.placedCalls());
    }

    @Test
    void keysPressed_throughTwilio_refusedBeforeDialling_exit2_sayingWhy() throws Exception {
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola.", "[dtmf 42] Mi número de socio."));
        talk = ServerProcess.run(dir, environment(freePort()), List.of("talk", "--script", script.toString()));

        assertEquals(Talk.Exit.USAGE.code, talk.awaitExit(WAIT), talk.log());
        assertTrue(talk.logged(line -> line.contains("presses keys ([dtmf ...] lines), which only --local-agent can carry")
                && line.contains("without ending the agent's media stream")), talk.log());
        assertEquals(List.of(), twilio.placedCalls());
    }

    private Map<String, String> environment(int port) {
        Map<String, String> environment = ServerProcess.environmentFor(twilio, elevenLabs, "talk-process-key");
        environment.put("PORT", Integer.toString(port));
        environment.put("PUBLIC_URL", "http://127.0.0.1:" + port);
        environment.put("SILENCE_MS", "1000");
        environment.put("TALK_TO", TalkRunner.TO);
        environment.put("TALK_FROM", TalkRunner.FROM);
        return environment;
    }

    /** A port free a moment ago: talk's server must be on a known port, since Twilio is told its address up front. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
