package callbridge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README.md's package map, kept true: each package of {@code src/main} refers only to the packages its row
 * below allows (besides itself, the JDK and the libraries). The rows follow the README's order (server;
 * talk and emulate; twilio; record; call; then websocket, http, speech, audio, config, json, time, logging,
 * metrics; carrier sits between talk and twilio; agent, an example agent built on the server's front door, above
 * server), each package allowed those after it, with three choices narrower than the order: the call domain
 * knows no WebSocket and no HTTP (adapters plug them in), knows nothing of the records that observe it, and
 * {@code talk} and {@code emulate}, clients of the server as a user's own tools would be, never see the call
 * domain, nor does the example agent. The composition root ({@code callbridge} itself) wires everything.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/callbridge");
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            entry("server", Set.of("twilio", "record", "call", "websocket", "http", "speech", "audio", "config", "json",
                    "time", "logging", "metrics")),
            entry("agent", Set.of("server", "twilio", "websocket", "http", "speech", "audio", "config", "json", "time",
                    "logging", "metrics")),
            entry("talk", Set.of("carrier", "twilio", "websocket", "http", "speech", "audio", "config", "json", "time", "logging",
                    "metrics")),
            entry("emulate", Set.of("twilio", "websocket", "http", "speech", "audio", "config", "json", "time", "logging",
                    "metrics")),
            entry("carrier", Set.of("twilio", "websocket", "http", "speech", "audio", "config", "json", "time", "logging",
                    "metrics")),
            entry("twilio", Set.of("record", "call", "websocket", "http", "speech", "audio", "config", "json", "time",
                    "logging", "metrics")),
            entry("record", Set.of("call", "websocket", "http", "speech", "audio", "config", "json", "time", "logging",
                    "metrics")),
            entry("call", Set.of("speech", "audio", "config", "json", "time", "logging", "metrics")),
            entry("websocket", Set.of("http", "speech", "audio", "config", "json", "time", "logging", "metrics")),
            entry("http", Set.of("speech", "audio", "config", "json", "time", "logging", "metrics")),
            entry("speech", Set.of("audio", "config", "json", "time", "logging", "metrics")),
            entry("audio", Set.of("config", "json", "time", "logging", "metrics")),
            entry("config", Set.of("json", "time", "logging", "metrics")),
            entry("json", Set.of("time", "logging", "metrics")),
            entry("time", Set.of("logging", "metrics")),
            entry("logging", Set.of("metrics")),
            entry("metrics", Set.of()));
    /** A name of one of our packages, in an import or written out in code ({@code callbridge.emulate.Emulate.run}). */
    private static final Pattern REFERENCE = Pattern.compile("\\bcallbridge\\.([a-z]+)\\.");
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
                violations.add("callbridge." + from + " has no row in the table: say where it sits in README.md's map");
                continue;
            }
            Matcher reference = REFERENCE.matcher(code(file));
            Set<String> seen = new TreeSet<>();
            while (reference.find()) {
                String to = reference.group(1);
                if (!to.equals(from) && !allowed.contains(to) && seen.add(to)) {
                    violations.add(from + " -> " + to + " (" + MAIN.relativize(file) + ")");
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void code_ignoresWhatIsNotCode() {
        Path source = Path.of("X.java");
        assertEquals(Set.of("audio"), references("""
                import callbridge.audio.Turn;
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
            found.add(reference.group(1));
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
