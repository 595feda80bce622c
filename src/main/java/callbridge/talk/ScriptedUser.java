package callbridge.talk;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/** The user's lines from a plain text file: one a turn, in order; blank lines and {@code #} comments skipped. */
final class ScriptedUser implements UserSide {
    private final Iterator<String> lines;

    ScriptedUser(List<String> lines) {
        this.lines = List.copyOf(lines).iterator();
    }

    /** The script's lines. */
    static List<String> read(Path file) throws UsageException {
        List<String> said = InputFile.SCRIPT.read(file).lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        if (said.isEmpty()) {
            throw new UsageException("the script " + file + " has no lines to say (only blank lines and # comments)");
        }
        return said;
    }

    @Override
    public Move next() {
        if (!lines.hasNext()) {
            return new Done("script finished");
        }
        String line = lines.next();
        return new Say(line, !lines.hasNext());
    }
}
