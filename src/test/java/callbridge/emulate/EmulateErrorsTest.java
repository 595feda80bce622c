package callbridge.emulate;

import callbridge.audio.AudioFile;
import callbridge.audio.Wav;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code emulate} says when it cannot start: which input is wrong, and why, in words, before any call.
 * Every case here is refused before a call is attempted, and none needs a server but the last.
 */
class EmulateErrorsTest {
    @TempDir
    Path dir;

    @Test
    void missingAudioFile_saysTheFileDoesNotExist_andWhereItLooked() throws Exception {
        Path missing = Path.of("no-such-clip.wav");
        String error = refused(Emulate.Exit.USAGE, "--audio", missing.toString());
        assertTrue(error.startsWith("emulate: --audio no-such-clip.wav (" + missing.toAbsolutePath() + "): the file does not exist"),
                error);
    }

    @Test
    void audioThatIsNotARegularFile_isRefusedBeforeReading() throws Exception {
        // /dev/zero never ends: read whole it hung emulate until memory ran out.
        for (String path : List.of("/dev/zero", dir.toString())) {
            String error = refused(Emulate.Exit.USAGE, "--audio", path);
            assertTrue(error.startsWith("emulate: --audio " + path + ": not a regular file"), error);
        }
    }

    @Test
    void audioFileLargerThanTheCap_isRefused_withHowToShrinkIt() throws Exception {
        Path big = dir.resolve("big.wav");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(AudioFile.MAX_BYTES + 1); // sparse: no disk is written
        }
        String error = refused(Emulate.Exit.USAGE, "--audio", big.toString());
        assertTrue(error.startsWith("emulate: --audio " + big + ": larger than 64 MiB; convert it to 8 or 16 kHz mono"), error);
    }

    @Test
    void outThatIsAFile_orCannotBeCreated_saysWhy() throws Exception {
        Path file = Files.writeString(dir.resolve("out"), "x");
        assertTrue(refused(Emulate.Exit.USAGE, "--out", file.toString())
                .startsWith("emulate: --out: " + file + " is a file, not a directory"));
        String error = refused(Emulate.Exit.USAGE, "--out", "/proc/callbridge-calls");
        assertTrue(error.startsWith("emulate: --out: cannot create directory /proc/callbridge-calls: "), error);
    }

    @Test
    void noServer_saysWhichUrlCouldNotBeReached_andThatTheServerMustRun() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again below: nothing listens there
        }
        Path clip = Files.write(dir.resolve("clip.wav"), Wav.fromMuLaw(new byte[1600]));
        String error = refused(Emulate.Exit.NO_SERVER, "--server", "http://127.0.0.1:" + port, "--audio", clip.toString());
        assertTrue(error.startsWith("emulate: cannot reach the server at http://127.0.0.1:" + port
                + ": connection refused (nothing listens on that port). The callbridge server must be running there"), error);
    }

    /** Runs emulate with these flags; asserts the exit code and that no call was made; returns what it printed. */
    private static String refused(Emulate.Exit expected, String... flags) throws InterruptedException, IOException {
        PrintedLines printed = new PrintedLines();
        List<String> args = new ArrayList<>(List.of(flags));
        if (!args.contains("--server")) {
            args.addAll(List.of("--server", "http://127.0.0.1:9"));
        }
        Emulate.Exit exit = Emulate.run(args, Map.of(), printed.stream, printed.stream, new CountDownLatch(1));
        List<String> lines = printed.all();
        assertEquals(expected, exit, String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(line -> line.contains("no call was made")), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("call ")), String.join("\n", lines));
        return lines.getFirst();
    }
}
