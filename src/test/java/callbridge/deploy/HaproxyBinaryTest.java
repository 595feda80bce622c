package callbridge.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding haproxy: the PATH first, then Debian's /usr/sbin; without one, a failure that says what to install. */
class HaproxyBinaryTest {
    @TempDir
    private Path directory;

    @Test
    void none_failsSayingHowToInstallIt() throws Exception {
        Path empty = Files.createDirectory(directory.resolve("empty"));
        AssertionError missing = assertThrows(AssertionError.class,
                () -> HaproxyBinary.find(empty.toString(), List.of(directory.resolve("sbin"))));
        assertTrue(missing.getMessage().contains("apt-get install haproxy"), missing.getMessage());
    }

    @Test
    void notExecutable_isNotIt() throws Exception {
        Path bin = Files.createDirectory(directory.resolve("bin"));
        Files.createFile(bin.resolve("haproxy"));
        assertThrows(AssertionError.class, () -> HaproxyBinary.find(bin.toString(), List.of()));
    }

    @Test
    void onThePath_beforeTheSystemDirectories() throws Exception {
        Path bin = Files.createDirectory(directory.resolve("bin"));
        Path sbin = Files.createDirectory(directory.resolve("sbin"));
        Path onPath = executable(bin);
        Path inSbin = executable(sbin);
        assertEquals(onPath, HaproxyBinary.find("" + File.pathSeparator + bin, List.of(sbin)));
        assertEquals(inSbin, HaproxyBinary.find(null, List.of(sbin)));
    }

    /** An executable file named haproxy in {@code directory}. */
    private static Path executable(Path directory) throws Exception {
        return Files.createFile(directory.resolve("haproxy"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
