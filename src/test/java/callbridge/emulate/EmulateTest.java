package callbridge.emulate;

import callbridge.audio.MuLaw;
import callbridge.audio.Wav;
import callbridge.json.Json;
import callbridge.testing.ClipRecognizer;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.testing.WavReader;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emulate} against the real server on loopback, with signatures checked on the webhook and on the
 * stream upgrade: the server hears what emulate says, and emulate plays back what the server says,
 * echoing its mark once that audio would have played.
 */
class EmulateTest {
    private static final Pattern STREAMING = Pattern.compile("call (CA[0-9a-f]{32}): streaming");
    /** Short silences end turns quickly; the audio is real time, so every second here is a second of test. */
    private static final Map<String, String> SERVER = Map.of("SILENCE_MS", "500", "TWILIO_VALIDATE_SIGNATURES", "true");

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(SERVER);
    @TempDir
    private Path dir;

    @Test
    void oneCall_isHeard_andWhatTheServerSaysIsPlayedWithItsMarkEchoed() throws Exception {
        Path clip = clipWav(SpeechClips.HORARIO_APERTURA);
        Path out = dir.resolve("out");
        CountDownLatch hangUp = new CountDownLatch(1);
        PrintedLines printed = new PrintedLines();
        CompletableFuture<Emulate.Exit> run = emulate(printed, hangUp, "--audio", clip.toString(), "--repeat", "4", "--out", out.toString());
        Matcher streaming = STREAMING.matcher(printed.await(line -> STREAMING.matcher(line).find(), Duration.ofSeconds(10)));
        assertTrue(streaming.find());
        String sid = streaming.group(1);

        JsonNode first = json(server.generate(Map.of("sid", sid, "first", "true", "timeout", "20")));
        assertEquals(SpeechClips.textOf(SpeechClips.HORARIO_APERTURA), first.path("response").asText());

        JsonNode second = json(server.generate(Map.of("sid", sid, "input", "Buenas tardes", "timeout", "20")));
        assertEquals("played", second.path("playback").path("outcome").asText(), second.toString());
        assertEquals(SpeechClips.textOf(SpeechClips.HORARIO_APERTURA), second.path("response").asText());

        hangUp.countDown();
        assertEquals(Emulate.Exit.OK, run.get(30, TimeUnit.SECONDS));
        String ended = printed.await(line -> line.startsWith("call " + sid + ": hung up"), Duration.ZERO);
        assertTrue(ended.contains("1 mark(s) echoed"), ended);
        // The reply came after the clip ended, and no sooner than the server's 500 ms silence window allows.
        Matcher reply = Pattern.compile(", 1 reply \\((\\d+\\.\\d+) s after the caller stopped").matcher(ended);
        assertTrue(reply.find(), ended);
        assertTrue(Double.parseDouble(reply.group(1)) >= 0.5, ended);
        byte[] heard = MuLaw.encode(WavReader.readPcm(Files.readAllBytes(out.resolve(sid + ".wav"))));
        assertArrayEquals(normalized(TestCallbridge.voiceFor("Buenas tardes")), normalized(heard),
                "the WAV holds exactly what the server said");
    }

    @Test
    void fiftyCalls_areEachHeardAndEnd() throws Exception {
        int calls = 50;
        PrintedLines printed = new PrintedLines();
        CompletableFuture<Emulate.Exit> run = emulate(printed, new CountDownLatch(1), "--calls", Integer.toString(calls),
                "--ramp", "1", "--duration", "3.5", "--audio", clipWav(SpeechClips.SI_GRACIAS).toString());
        assertEquals(Emulate.Exit.OK, run.get(60, TimeUnit.SECONDS), String.join("\n", printed.all()));
        assertEquals(calls, printed.all().stream().filter(line -> line.matches("call CA\\w+: hung up after .*")).count());
        String done = printed.await(line -> line.startsWith("emulate: done"), Duration.ZERO);
        assertTrue(done.contains(calls + " fine, 0 failed"), done);
        List<String> heard = new ArrayList<>();
        server.elevenLabs().sttRequests().forEach(request -> heard.add(ClipRecognizer.recognize(request.pcm())));
        assertEquals(java.util.Collections.nCopies(calls, SpeechClips.textOf(SpeechClips.SI_GRACIAS)), heard);
    }

    @Test
    void wrongAuthToken_isRefusedByTheServer_andReported() throws Exception {
        PrintedLines printed = new PrintedLines();
        CompletableFuture<Emulate.Exit> run = emulate(printed, Map.of("TWILIO_AUTH_TOKEN", "not-the-token"),
                new CountDownLatch(1), "--duration", "1");
        assertEquals(Emulate.Exit.CALLS_FAILED, run.get(30, TimeUnit.SECONDS));
        String failed = printed.await(line -> line.contains("FAILED"), Duration.ZERO);
        assertTrue(failed.contains("webhook answered 403"), failed);
    }

    private CompletableFuture<Emulate.Exit> emulate(PrintedLines printed, CountDownLatch hangUp, String... flags) {
        return emulate(printed, Map.of("TWILIO_AUTH_TOKEN", FakeTwilioRest.AUTH_TOKEN), hangUp, flags);
    }

    private CompletableFuture<Emulate.Exit> emulate(PrintedLines printed, Map<String, String> settings,
                                                    CountDownLatch hangUp, String... flags) {
        List<String> args = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + server.port()));
        args.addAll(List.of(flags));
        CompletableFuture<Emulate.Exit> exit = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                exit.complete(Emulate.run(args, settings, printed.stream, printed.stream, hangUp));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        });
        return exit;
    }

    private Path clipWav(String clip) throws Exception {
        return Files.write(dir.resolve(clip + ".wav"), Wav.fromMuLaw(SpeechClips.load(clip)));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    /** mu-law has two codes for zero (0x7F, 0xFF); the WAV's decode and encode keep only 0xFF. */
    private static byte[] normalized(byte[] mulaw) {
        byte[] copy = mulaw.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == (byte) 0x7F) {
                copy[i] = (byte) 0xFF;
            }
        }
        return copy;
    }
}
