package callbridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run.sh} as a user runs it, from another directory: the jar must run where the user stands, so that
 * relative paths and {@code .env} are theirs. The script is run for real, in a copy of the repository's
 * layout whose jar is up to date (so nothing is built) and whose JDK is a stand-in that prints where it was
 * run and with what: no build, no JVM, nothing but the script's own decisions.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunScriptTest {
    @TempDir
    Path dir;

    @Test
    void theJarRunsInTheCallersDirectory_withTheArgumentsAsGiven() throws Exception {
        Path repo = fakeRepository();
        Path caller = Files.createDirectories(dir.resolve("elsewhere"));
        List<String> printed = run(repo, caller, "emulate", "--audio", "hola.wav");
        assertEquals(List.of("cwd=" + caller.toRealPath(), "arg=-jar", "arg=" + repo.toRealPath().resolve("target/callbridge.jar"),
                "arg=emulate", "arg=--audio", "arg=hola.wav"), printed);
    }

    @Test
    void help_listsTestAndBench_thenTheJarsCommands() throws Exception {
        Path repo = fakeRepository();
        List<String> printed = run(repo, dir, "help");
        assertTrue(printed.stream().anyMatch(line -> line.startsWith("  ./run.sh test")), String.join("\n", printed));
        assertTrue(printed.stream().anyMatch(line -> line.startsWith("  ./run.sh bench")), String.join("\n", printed));
        assertEquals("arg=help", printed.getLast());
    }

    /** run.sh, an empty src/ and pom.xml, a jar newer than both, and a JDK whose java prints what it was asked. */
    private Path fakeRepository() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.copy(Path.of("run.sh"), repo.resolve("run.sh"));
        Files.setLastModifiedTime(Files.createDirectories(repo.resolve("src")), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.setLastModifiedTime(Files.writeString(repo.resolve("pom.xml"), "<project/>"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.writeString(Files.createDirectories(repo.resolve("target")).resolve("callbridge.jar"), "not a jar");
        Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
        executable(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
        executable(bin.resolve("java"), """
                #!/bin/sh
                case "$*" in
                  *-XshowSettings*) echo "    java.specification.version = 21" >&2; exit 0 ;;
                esac
                echo "cwd=$(pwd -P)"
                for arg in "$@"; do echo "arg=$arg"; done
                """);
        return repo;
    }

    private List<String> run(Path repo, Path workingDirectory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("run.sh").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out.lines().toList();
    }

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
