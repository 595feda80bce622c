package callbridge.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the {@code haproxy} program is: on the {@code PATH}, or where Debian's package puts it
 * ({@code /usr/sbin}, which a non-root user's {@code PATH} often lacks).
 */
final class HaproxyBinary {
    static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"));

    private HaproxyBinary() {
    }

    /** The binary; fails, saying how to install it, when there is none. */
    static Path find() {
        return find(System.getenv("PATH"), SYSTEM_DIRECTORIES);
    }

    /** The first executable {@code haproxy} in the directories of {@code path} (may be null), then in {@code systemDirectories}. */
    static Path find(String path, List<Path> systemDirectories) {
        List<Path> directories = new ArrayList<>();
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    directories.add(Path.of(entry));
                }
            }
        }
        directories.addAll(systemDirectories);
        return directories.stream()
                .map(directory -> directory.resolve("haproxy"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("these tests run the real HAProxy, and no haproxy program was "
                        + "found on the PATH or in " + systemDirectories + ": apt-get install haproxy"));
    }
}
