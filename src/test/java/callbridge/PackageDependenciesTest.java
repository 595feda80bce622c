package callbridge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README.md's package map, kept true: each package of {@code src/main} refers only to the packages the map
 * allows it (besides itself, the JDK and the libraries). The map is read from the README itself, so the
 * table a reader learns the layout from cannot drift from the code: a package may use every package listed
 * after it, except those its row's last column names. The composition root ({@code callbridge} itself, the
 * table's first row) wires everything.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/callbridge");
    private static final Path README = Path.of("README.md");
    private static final String TABLE_HEAD = "| package | its one job |";
    private static final Pattern PACKAGE_NAME = Pattern.compile("`([a-z]+)/`");
    private static final Map<String, Set<String>> MAY_USE = mayUse(readme());
    /** A name of one of our packages, in an import or written out in code ({@code callbridge.emulate.Emulate.run}). */
    /** ...or to the composition root ({@code callbridge.Callbridge}), which no package may use: group 1 is then empty. */
    private static final Pattern REFERENCE = Pattern.compile("\\bcallbridge\\.(?:([a-z]+)\\.|[A-Z])");
    private static final String ROOT = "(the composition root)";
    /** String and character literals, text blocks first; then comments: what refers to nothing. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'|/\\*(?s:.*?)\\*/|//[^\\n]*");

    @Test
    void everyPackage_refersOnlyToThoseItsRowAllows() {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String from = packageOf(file);
            if (from.isEmpty()) {
                continue; // the composition root
            }
            Set<String> allowed = MAY_USE.get(from);
            if (allowed == null) {
                violations.add("callbridge." + from + " has no row in README.md's package map: say where it sits");
                continue;
            }
            Matcher reference = REFERENCE.matcher(code(file));
            Set<String> seen = new TreeSet<>();
            while (reference.find()) {
                String to = reference.group(1) == null ? ROOT : reference.group(1);
                if (!to.equals(from) && !allowed.contains(to) && seen.add(to)) {
                    violations.add(from + " -> " + to + " (" + MAIN.relativize(file) + ")");
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void everyPackageInTheMap_exists() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> entries = Files.list(MAIN)) {
            entries.filter(Files::isDirectory).forEach(dir -> packages.add(dir.getFileName().toString()));
        }
        assertEquals(packages, new TreeSet<>(MAY_USE.keySet()), "README.md's package map and src/main's packages");
    }

    @Test
    void map_allowsWhatComesAfter_minusItsRowsNever() {
        Map<String, Set<String>> map = mayUse("""
                intro
                | package | its one job | never uses |
                |---|---|---|
                | `callbridge` | root | |
                | `a/` | first | `c/` |
                | `b/`, `c/` | second and third | |
                | `d/` | last | |

                | package | its one job | a later table is not the map |
                | `e/` | | |
                """);
        assertEquals(Map.of("a", Set.of("b", "d"), "b", Set.of("c", "d"), "c", Set.of("d"), "d", Set.of()), map);
    }

    @Test
    void code_ignoresWhatIsNotCode() {
        Path source = Path.of("X.java");
        assertEquals(Set.of("audio", ROOT), references("""
                import callbridge.audio.Turn;
                import callbridge.Callbridge;
                /** Not {@link callbridge.server.Routes}. */
                String s = "callbridge.server.Routes"; // callbridge.twilio.TwiML
                String t = \"""
                    callbridge.call.Conversation
                    \""";
                char c = '"'; String u = "callbridge.talk.Talk";
                """, source));
    }

    private static Set<String> references(String text, Path source) {
        Set<String> found = new TreeSet<>();
        Matcher reference = REFERENCE.matcher(NOT_CODE.matcher(text).replaceAll(" "));
        while (reference.find()) {
            found.add(reference.group(1) == null ? ROOT : reference.group(1));
        }
        return found;
    }

    private static String code(Path file) {
        try {
            return NOT_CODE.matcher(Files.readString(file)).replaceAll(" ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The map's rows in order: each package ({@code `server/`}) may use those of the rows after it and those
     * after it in its own row ({@code `json/`, `time/`}), minus the packages its last column names.
     */
    private static Map<String, Set<String>> mayUse(String readme) {
        List<String> order = new ArrayList<>();
        Map<String, Set<String>> never = new HashMap<>();
        boolean inTable = false;
        for (String line : readme.split("\n")) {
            if (line.startsWith(TABLE_HEAD) && order.isEmpty()) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && !line.startsWith("|---")) {
                String[] cells = line.split("\\|", -1);
                List<String> row = names(cells[1]);
                Set<String> refused = Set.copyOf(names(cells[cells.length - 2]));
                for (String name : row) {
                    order.add(name);
                    never.put(name, refused);
                }
            }
        }
        Map<String, Set<String>> allowed = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            Set<String> after = new TreeSet<>(order.subList(i + 1, order.size()));
            after.removeAll(never.get(order.get(i)));
            allowed.put(order.get(i), after);
        }
        return allowed;
    }

    private static List<String> names(String cell) {
        List<String> names = new ArrayList<>();
        Matcher name = PACKAGE_NAME.matcher(cell);
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    private static String readme() {
        try {
            return Files.readString(README);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code server} for {@code callbridge/server/X.java}; empty for the root. */
    private static String packageOf(Path file) {
        Path relative = MAIN.relativize(file);
        return relative.getNameCount() == 1 ? "" : relative.getName(0).toString();
    }

    private static List<Path> javaFiles() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
