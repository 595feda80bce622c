package callbridge.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: one {@code NAME=value} a line, {@code #} comments, blank lines, an optional
 * {@code export } prefix, and values optionally wrapped in single or double quotes. No variable
 * expansion: what is written is what you get. A line that is none of these stops start-up with its number.
 */
public final class DotEnv {
    /** The file every command reads, in the directory it runs in: settings are the user's, not the jar's. */
    public static final Path FILE = Path.of(".env");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A value in single or double quotes, then optionally whitespace and a comment. */
    private static final Pattern QUOTED = Pattern.compile("([\"'])(.*)\\1(\\s+#.*)?");

    private DotEnv() {
    }

    /** The file's settings, or an empty map when the file does not exist. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int equals = line.indexOf('=');
            String name = equals < 0 ? "" : line.substring(0, equals).strip();
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(source + " line " + (i + 1) + ": expected NAME=value");
            }
            settings.put(name, unquote(line.substring(equals + 1).strip(), source, i + 1));
        }
        return settings;
    }

    private static String unquote(String value, String source, int lineNumber) {
        if (value.startsWith("\"") || value.startsWith("'")) {
            // A comment may follow the closing quote (KEY="value" # why), as in other .env readers.
            Matcher quoted = QUOTED.matcher(value);
            if (!quoted.matches()) {
                throw new ConfigException(source + " line " + lineNumber + ": unterminated " + value.charAt(0)
                        + " quote (only a # comment may follow the closing quote)");
            }
            return quoted.group(2);
        }
        int comment = value.indexOf(" #");
        return comment < 0 ? value : value.substring(0, comment).strip();
    }
}
