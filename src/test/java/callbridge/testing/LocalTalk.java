package callbridge.testing;

import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code talk --local-agent} as a user runs it, a child process with its own callbridge, and the stand-in it
 * speaks through: ElevenLabs for both sides' speech (Twilio's stand-in only fills the environment helper's
 * settings, and is taken out of them: nothing calls Twilio). One run a test; closed after it.
 */
public final class LocalTalk implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(90);

    private final Path dir;
    private final FakeTwilioRest twilio;
    private final FakeElevenLabs elevenLabs;
    private ServerProcess talk;

    private LocalTalk(Path dir, FakeTwilioRest twilio, FakeElevenLabs elevenLabs) {
        this.dir = dir;
        this.twilio = twilio;
        this.elevenLabs = elevenLabs;
    }

    /** @param voice what the ElevenLabs stand-in speaks for a text */
    public static LocalTalk start(Path dir, Function<String, byte[]> voice) throws IOException {
        FakeTwilioRest twilio = FakeTwilioRest.start();
        try {
            return new LocalTalk(dir, twilio, FakeElevenLabs.start(ClipRecognizer::recognize, voice));
        } catch (IOException | RuntimeException e) {
            twilio.close();
            throw e;
        }
    }

    public FakeElevenLabs elevenLabs() {
        return elevenLabs;
    }

    /** The last run's process: its log, its exit. */
    public ServerProcess process() {
        return talk;
    }

    /** What talk's process is given: the speech key and URL, any free port, a 1 s silence window, records in the test's directory. */
    public Map<String, String> environment() throws IOException {
        Map<String, String> environment = ServerProcess.environmentFor(twilio, elevenLabs, "local-talk-key");
        environment.remove("TWILIO_ACCOUNT_SID");
        environment.remove("TWILIO_API_BASE_URL");
        environment.put("PORT", "0"); // talk's own server takes a free port as it binds: no port picked early to race for
        environment.put("SILENCE_MS", "1000");
        // The carrier signs its webhooks and streams as Twilio does (it has TWILIO_AUTH_TOKEN): the server checks them.
        environment.put("TWILIO_VALIDATE_SIGNATURES", "true");
        environment.put("RECORDS_DIR", dir.resolve("records").toString());
        return environment;
    }

    /** Starts talk with {@code args} in {@code environment}, without waiting. */
    public ServerProcess start(Map<String, String> environment, List<String> args) throws IOException {
        talk = ServerProcess.run(dir, environment, args);
        return talk;
    }

    /**
     * Calls the agent at {@code webhook} with a script of {@code lines}, no reply gap; the report, once talk
     * has exited with {@code expectedExit} ({@code failing} says what else to show if it did not).
     */
    public JsonNode run(URI webhook, int expectedExit, Function<String, String> failing, String... lines) throws Exception {
        Path script = Files.write(dir.resolve("script.txt"), List.of(lines));
        Path report = dir.resolve("report.json");
        start(environment(), List.of("talk", "--local-agent", webhook.toString(), "--script", script.toString(),
                "--reply-gap", "0", "--report", report.toString()));
        assertEquals(expectedExit, talk.awaitExit(WAIT), failing.apply(talk.log()));
        return Json.MAPPER.readTree(report.toFile());
    }

    /** A conversation's turns in the report, as {@code speaker: text}. */
    public static List<String> turns(JsonNode conversation) {
        List<String> turns = new ArrayList<>();
        conversation.path("turns").forEach(turn -> turns.add(turn.path("speaker").asText() + ": " + turn.path("text").asText()));
        return turns;
    }

    @Override
    public void close() {
        if (talk != null) {
            talk.close();
        }
        twilio.close();
        elevenLabs.close();
    }
}
