package callbridge.emulate;

import callbridge.audio.Wav;
import callbridge.http.FormData;
import callbridge.json.Json;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's walkthrough of {@code emulate}, run as written: its {@code emulate} flags and its last
 * {@code /generate} query, read from README.md, must give the answer the README promises (200, our speech
 * {@code "outcome": "played"}). With the flags and timeout it once had, that request answered an empty 204.
 * The server's silence window is shortened, as in {@link EmulateTest}; everything else is the README's.
 */
class ReadmeWalkthroughTest {
    private static final Pattern STREAMING = Pattern.compile("call (CA[0-9a-f]{32}): streaming");

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("SILENCE_MS", "500", "TWILIO_VALIDATE_SIGNATURES", "true"));
    @TempDir
    private Path dir;

    @Test
    void theWalkthroughsThirdRequest_answersWithOurSpeechPlayed() throws Exception {
        String walkthrough = section(Files.readString(Path.of("README.md")), "### Try it without Twilio");
        List<String> words = List.of(line(walkthrough, "./run.sh emulate ").split("\\s+"));
        List<String> flags = new ArrayList<>(words.subList(2, words.size())); // after "./run.sh emulate"
        Path clip = Files.write(dir.resolve("hola.wav"), Wav.fromMuLaw(SpeechClips.load(SpeechClips.SI_GRACIAS)));
        flags.replaceAll(flag -> flag.equals("hola.wav") ? clip.toString() : flag.equals("calls/") ? dir.resolve("calls").toString() : flag);
        flags.addAll(List.of("--server", "http://127.0.0.1:" + server.port()));

        PrintedLines printed = new PrintedLines();
        CountDownLatch hangUp = new CountDownLatch(1);
        CompletableFuture<Emulate.Exit> run = CompletableFuture.supplyAsync(() -> {
            try {
                return Emulate.run(flags, Map.of("TWILIO_AUTH_TOKEN", FakeTwilioRest.AUTH_TOKEN), printed.stream, printed.stream, hangUp);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        Matcher streaming = STREAMING.matcher(printed.await(line -> STREAMING.matcher(line).find(), Duration.ofSeconds(10)));
        assertTrue(streaming.find());
        String sid = streaming.group(1);

        assertEquals(200, server.generate(Map.of("sid", sid, "first", "true", "timeout", "20")).statusCode());
        Map<String, String> third = new HashMap<>(query(line(walkthrough, "curl ", "input=")));
        third.put("sid", sid);
        HttpResponse<String> answer = server.generate(third);
        assertEquals(200, answer.statusCode(), "the README's third request answered " + answer.statusCode() + " " + answer.body());
        JsonNode json = Json.MAPPER.readTree(answer.body());
        assertEquals("played", json.path("playback").path("outcome").asText(), json.toString());
        assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), json.path("response").asText());

        hangUp.countDown();
        assertEquals(Emulate.Exit.OK, run.get(30, TimeUnit.SECONDS), String.join("\n", printed.all()));
    }

    /** From {@code heading} to the next heading. */
    private static String section(String readme, String heading) {
        int start = readme.indexOf(heading);
        assertTrue(start >= 0, "no section " + heading);
        int end = readme.indexOf("\n#", start + heading.length());
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The first line starting with {@code prefix} and holding every one of {@code holding}, without a # comment. */
    private static String line(String text, String prefix, String... holding) {
        return text.lines().filter(line -> line.startsWith(prefix))
                .filter(line -> List.of(holding).stream().allMatch(line::contains))
                .map(line -> line.replaceFirst("\\s+#.*", "").strip())
                .findFirst().orElseThrow(() -> new AssertionError("no line " + prefix + " in:\n" + text));
    }

    /** The query of the quoted URL in a curl command line. */
    private static Map<String, String> query(String curl) {
        Matcher url = Pattern.compile("\"http://[^\"?]+\\?([^\"]+)\"").matcher(curl);
        assertTrue(url.find(), curl);
        return FormData.parse(url.group(1));
    }
}
