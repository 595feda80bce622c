package callbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the capacity benchmark's processes run: with {@code taskset} and two or more cores, the server on
 * core 0 and everything else (the generator, the stand-ins in this JVM) on core 1, so the server's figures
 * are its own and the generator never takes its core. Without, nothing is pinned, and the report says so.
 */
record Pinning(List<String> server, List<String> generator, String description) {
    static Pinning detect() {
        boolean taskset = List.of("/usr/bin/taskset", "/bin/taskset").stream().anyMatch(path -> Files.isExecutable(Path.of(path)));
        if (!taskset || Runtime.getRuntime().availableProcessors() < 2) {
            return new Pinning(List.of(), List.of(), "not pinned (needs taskset and 2 cores)");
        }
        return new Pinning(List.of("taskset", "-c", "0"), List.of("taskset", "-c", "1"),
                "server on core 0; generator and stand-ins on core 1 (taskset)");
    }

    /** Moves every thread of this JVM (the ElevenLabs and Twilio stand-ins) to the generator's core. */
    void pinThisJvm() throws IOException, InterruptedException {
        if (generator.isEmpty()) {
            return;
        }
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", generator.getLast(),
                Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
        taskset.getInputStream().readAllBytes();
        taskset.waitFor();
    }
}
