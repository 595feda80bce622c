package callbridge.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The HAProxy configuration README.md shows, read from between its two marker lines, so that what the tests
 * run is exactly what a reader copies: a ```` ```haproxy ```` block between {@value #BEGIN} and {@value #END}.
 */
final class ReadmeHaproxyConfig {
    static final Path README = Path.of("README.md");
    static final String BEGIN = "<!-- haproxy.cfg begin -->";
    static final String END = "<!-- haproxy.cfg end -->";
    private static final String FENCE_OPEN = "```haproxy";
    private static final String FENCE_CLOSE = "```";

    private ReadmeHaproxyConfig() {
    }

    /** The configuration in the project's README.md (the tests run in the project's directory). */
    static String read() throws IOException {
        return extract(Files.readString(README));
    }

    /** The lines of the fenced block between the markers, each ended by a newline. */
    static String extract(String markdown) {
        int begin = markdown.indexOf(BEGIN);
        if (begin < 0 || markdown.indexOf(BEGIN, begin + 1) >= 0) {
            throw new IllegalArgumentException("README.md must have the line " + BEGIN + " once");
        }
        int end = markdown.indexOf(END, begin);
        if (end < 0) {
            throw new IllegalArgumentException("README.md has no " + END + " after " + BEGIN);
        }
        List<String> lines = markdown.substring(begin + BEGIN.length(), end).strip().lines().toList();
        if (lines.size() < 2 || !lines.getFirst().equals(FENCE_OPEN) || !lines.getLast().equals(FENCE_CLOSE)) {
            throw new IllegalArgumentException("between " + BEGIN + " and " + END
                    + " README.md must have one " + FENCE_OPEN + " block and nothing else");
        }
        return String.join("\n", lines.subList(1, lines.size() - 1)) + "\n";
    }
}
