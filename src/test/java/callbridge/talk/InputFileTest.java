package callbridge.talk;

import callbridge.config.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files {@code talk} reads are regular files of a bounded size, or a message naming them. */
class InputFileTest {
    /** Only a safety net: each case either answers at once or hangs for good. */
    private static final Duration HANG = Duration.ofSeconds(20);
    private static final InputFile SMALL = new InputFile("script", 16);

    @TempDir
    private Path dir;

    @Test
    void regularFile_atTheLimit_read() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.txt"), "0123456789abcdef");
        assertEquals("0123456789abcdef", SMALL.read(file));
    }

    @Test
    void regularFile_overTheLimit_refusedNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("big.txt"), "0123456789abcdefg");
        UsageException e = assertThrows(UsageException.class, () -> SMALL.read(file));
        assertEquals("the script " + file + " is larger than 0 KiB, the most a script may be", e.getMessage());
    }

    @Test
    void devZero_refusedAtOnce_notReadUntilMemoryRunsOut() {
        UsageException e = assertTimeoutPreemptively(HANG, () -> assertThrows(UsageException.class,
                () -> InputFile.CONFIG.read(Path.of("/dev/zero"))));
        assertEquals("the config file /dev/zero is not a regular file (a device, FIFO or socket): give a file", e.getMessage());
    }

    @Test
    void fifoWithNoWriter_refusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("lines.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        UsageException e = assertTimeoutPreemptively(HANG, () -> assertThrows(UsageException.class, () -> InputFile.SCRIPT.read(fifo)));
        assertTrue(e.getMessage().startsWith("the script " + fifo + " is not a regular file"), e.getMessage());
    }

    @Test
    void directory_refused() {
        UsageException e = assertThrows(UsageException.class, () -> InputFile.PERSONA.read(dir));
        assertEquals("the persona " + dir + " is not a regular file (a directory): give a file", e.getMessage());
    }

    @Test
    void notUtf8_refused() throws Exception {
        Path file = Files.write(dir.resolve("latin1.txt"), "año".getBytes(StandardCharsets.ISO_8859_1));
        UsageException e = assertThrows(UsageException.class, () -> InputFile.SCRIPT.read(file));
        assertEquals("the script " + file + " is not UTF-8 text", e.getMessage());
    }

    @Test
    void talkConfigFlag_devZero_isAUsageErrorNamingTheFile() {
        UsageException e = assertTimeoutPreemptively(HANG, () -> assertThrows(UsageException.class,
                () -> TalkOptions.parse(List.of("--config", "/dev/zero"), Map.of(), warning -> { })));
        assertTrue(e.getMessage().contains("/dev/zero is not a regular file"), e.getMessage());
    }
}
