package callbridge;

import callbridge.json.Json;
import callbridge.talk.Talk;
import callbridge.testing.AgentOnThePhone;
import callbridge.testing.ClipRecognizer;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.PlacedCall;
import callbridge.testing.ServerProcess;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TlsRelay;
import callbridge.testing.TwilioDialer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static callbridge.testing.SpeechClips.MANANA_NUEVE;
import static callbridge.testing.SpeechClips.RESERVAR_MESA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar, {@code target/callbridge.jar}, run as a user runs it ({@code java -jar}, nothing else on
 * the class path) against the Twilio REST and ElevenLabs stand-ins. The jar is minimized: the shade plugin
 * keeps only the classes it can see referenced, and the pom's filters keep what is loaded by name. These
 * tests run each path through the Twilio SDK that callbridge uses (a call completed, also one already gone;
 * a call placed and completed; one nobody answers, fetched; a webhook's signature checked), so a class dropped
 * that the SDK, Jackson, Apache HttpClient or SLF4J needs at run time fails here, not on a host.
 *
 * <p>Maven's failsafe plugin runs it in {@code integration-test}, after {@code package} has built the jar, and
 * names the jar in the system property {@code callbridge.jar}; run by surefire (before the jar exists) it is
 * skipped.
 */
@Tag("packaged-jar")
@EnabledIfSystemProperty(named = PackagedJarIT.JAR_PROPERTY, matches = ".+",
        disabledReason = "runs against the packaged jar: failsafe, in mvn verify (./run.sh test)")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackagedJarIT {
    static final String JAR_PROPERTY = "callbridge.jar";
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String API_KEY = "jar-test-key";
    private static final String TO = "+34910000001";
    private static final String FROM = "+34910000002";
    /** One line of callbridge's own log: logging.properties' format, a logger under "callbridge". */
    private static final Pattern OWN_LOG_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARNING|SEVERE) +callbridge(\\.\\w+)*: .+");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    private Path dir;
    private FakeTwilioRest twilio;
    /** Twilio's API is HTTPS only: the SDK reaches the stand-in through TLS, as it reaches Twilio. */
    private TlsRelay twilioTls;
    private FakeElevenLabs elevenLabs;
    private ServerProcess child;

    @BeforeEach
    void startStandIns() throws Exception {
        twilio = FakeTwilioRest.start();
        twilioTls = TlsRelay.to(twilio.baseUrl(), Files.createDirectories(dir.resolve("tls")));
        elevenLabs = FakeElevenLabs.start(ClipRecognizer::recognize, TestCallbridge::voiceFor);
    }

    @AfterEach
    void stopEverything() throws IOException {
        if (child != null) {
            child.close();
        }
        twilioTls.close();
        twilio.close();
        elevenLabs.close();
    }

    @Test
    void help_printsTheCommands_exitsZero() throws Exception {
        child = runJar(environment(), List.of("--help"));

        assertEquals(0, child.awaitExit(WAIT), child.log());
        assertTrue(child.logged(line -> line.startsWith("usage: java -jar callbridge.jar")), child.log());
        assertTrue(child.logged(line -> line.trim().startsWith("talk ")), child.log());
    }

    @Test
    void emulateHelp_printsItsFlags_exitsZero() throws Exception {
        child = runJar(environment(), List.of("emulate", "--help"));

        assertEquals(0, child.awaitExit(WAIT), child.log());
        assertTrue(child.logged(line -> line.startsWith("usage: java -jar callbridge.jar emulate")), child.log());
    }

    @Test
    void serve_callsHeardAndEnded_areCompletedAtTwilio_alsoWhenAlreadyGone_withSignaturesChecked_andACleanLog() throws Exception {
        Map<String, String> environment = environment();
        environment.put("TWILIO_VALIDATE_SIGNATURES", "true"); // the SDK's RequestValidator checks the webhook and upgrade
        child = runJar(environment, List.of("serve"));
        int port = child.awaitPort(STARTUP);
        TwilioDialer dialer = TwilioDialer.loopback(port);

        String heardCall;
        try (FakeTwilioCall call = dialer.call()) {
            heardCall = call.callSid();
            call.speak(SpeechClips.load(RESERVAR_MESA));
            call.silence(Duration.ofMillis(1_200));
            JsonNode heard = firstUtterance(port, call.callSid()); // the VAD found the turn, STT read it
            assertEquals(SpeechClips.textOf(RESERVAR_MESA), heard.path("response").asText(), heard.toString());
            call.stop();
            twilio.awaitUpdates(1, WAIT);
        }
        // Twilio answers 404 (code 20404) for a call that has already ended: the SDK reads its error body.
        String goneCall;
        try (FakeTwilioCall call = dialer.call()) {
            goneCall = call.callSid();
            twilio.script(goneCall, new FakeTwilioRest.Error(404, 20404));
            call.stop();
            twilio.awaitUpdates(2, WAIT);
        }

        assertEquals(List.of(heardCall, goneCall), twilio.updates().stream().map(FakeTwilioRest.CallUpdate::callSid).toList());
        twilio.updates().forEach(update -> assertEquals("completed", update.form().get("Status"), update.toString()));
        for (String callSid : List.of(heardCall, goneCall)) {
            child.awaitLine(line -> line.endsWith("call " + callSid + ": completed at Twilio"), WAIT);
        }
        assertEquals(List.of(), twilio.problems());
        child.sigterm();
        assertEquals(0, child.awaitExit(WAIT), child.log());
        assertOnlyOwnLogLines(child);
        assertFalse(child.logged(line -> line.contains(" SEVERE ")), child.log());
    }

    @Test
    void talk_placesTheCallAtTwilio_withItsFields_andCompletesIt() throws Exception {
        twilio.answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE)));
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola, buenas."));
        int port = freePort();
        child = runJar(talkEnvironment(port), List.of("talk", "--to", TO, "--from", FROM, "--record",
                "--script", script.toString(), "--report", dir.resolve("report.json").toString()));

        assertEquals(Talk.Exit.FINISHED.code, child.awaitExit(WAIT), child.log());
        assertEquals(1, twilio.placedCalls().size(), twilio.placedCalls().toString());
        PlacedCall call = twilio.placedCalls().getFirst();
        assertEquals(Map.of("To", TO, "From", FROM, "Url", "http://127.0.0.1:" + port + "/twilio-voice", "Record", "true"),
                Map.of("To", call.to(), "From", call.from(), "Url", call.webhook().toString(), "Record", call.form().get("Record")));
        call.completedByApi().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), twilio.problems());
        JsonNode conversation = Json.MAPPER.readTree(dir.resolve("report.json").toFile()).path("conversations").path(0);
        assertEquals(call.sid(), conversation.path("call_sid").asText(), conversation.toString());
        assertEquals("user_done", conversation.path("outcome").asText(), conversation.toString());
        assertFalse(child.logged(line -> line.contains("SLF4J") || line.contains("Exception")), child.log());
    }

    /** A call nobody answers: talk asks Twilio for the call (the SDK's fetch) and reports its status. */
    @Test
    void talk_noAnswer_readsTheCallsStatusFromTwilio() throws Exception {
        twilio.answerCallsWith(call -> call.status("no-answer"));
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola."));
        int port = freePort();
        child = runJar(talkEnvironment(port), List.of("talk", "--to", TO, "--from", FROM, "--turn-timeout", "1",
                "--script", script.toString(), "--report", dir.resolve("report.json").toString()));

        assertEquals(Talk.Exit.NOT_FINISHED.code, child.awaitExit(WAIT), child.log());
        JsonNode conversation = Json.MAPPER.readTree(dir.resolve("report.json").toFile()).path("conversations").path(0);
        assertEquals("not_answered", conversation.path("outcome").asText(), conversation.toString());
        assertTrue(conversation.path("detail").asText().contains("no-answer"), conversation.toString());
        assertEquals(List.of(), twilio.problems());
    }

    /** The Python prototype's config.yaml, read with Jackson's YAML module: its server is where talk looks. */
    @Test
    void talk_readsThePrototypesYamlConfig() throws Exception {
        String nobody = "http://127.0.0.1:" + freePort();
        Path config = Files.write(dir.resolve("config.yaml"), List.of("base_url: \"" + nobody + "\"",
                "to_number: \"" + TO + "\"", "from_number: \"" + FROM + "\"", "max_turns: 3"));
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola."));
        child = runJar(environment(), List.of("talk", "--config", config.toString(), "--script", script.toString()));

        assertEquals(Talk.Exit.USAGE.code, child.awaitExit(WAIT), child.log());
        assertTrue(child.logged(line -> line.equals("talk: the callbridge server at " + nobody + " cannot be reached: connection refused")),
                child.log());
        assertEquals(List.of(), twilio.placedCalls());
    }

    /** The stand-ins' settings, Twilio's through TLS; turns end after 1 s of silence; records in memory. */
    private Map<String, String> environment() {
        Map<String, String> environment = ServerProcess.environmentFor(twilio, elevenLabs, API_KEY);
        environment.put("TWILIO_API_BASE_URL", twilioTls.baseUrl().toString());
        environment.put("SILENCE_MS", "1000");
        environment.put("RECORDS_DIR", "");
        return environment;
    }

    /** talk's own server must be on a known port: Twilio is told its address when the call is placed. */
    private Map<String, String> talkEnvironment(int port) {
        Map<String, String> environment = environment();
        environment.put("PORT", Integer.toString(port));
        environment.put("PUBLIC_URL", "http://127.0.0.1:" + port);
        return environment;
    }

    private ServerProcess runJar(Map<String, String> environment, List<String> arguments) throws IOException {
        return ServerProcess.runJar(jar(), twilioTls.trustStoreOptions(), dir, environment, arguments);
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY));
        assertTrue(Files.isRegularFile(jar), "no jar at " + jar);
        return jar;
    }

    private static JsonNode firstUtterance(int port, String callSid) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/generate?sid=" + callSid
                        + "&first=true&timeout=20"))
                .header("X-API-KEY", API_KEY).timeout(WAIT).build();
        HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return Json.MAPPER.readTree(answer.body());
    }

    /** The start-up log stays clean from the jar too: no SLF4J "no provider" notice, no JVM warning. */
    private static void assertOnlyOwnLogLines(ServerProcess child) {
        assertEquals(List.of(), child.stdout(), "stdout");
        List<String> foreign = child.stderr().stream().filter(line -> !OWN_LOG_LINE.matcher(line).matches()).toList();
        assertEquals(List.of(), foreign, "lines that are not callbridge's log");
    }

    /** A port free a moment ago. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
