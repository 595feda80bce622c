package callbridge;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the minimized jar holds, read without running it: every link from a class in it leads somewhere. The
 * shade plugin keeps the classes it sees referenced and the pom's filters add and remove whole libraries; these
 * checks cover the paths that {@link PackagedJarIT} does not run (other TLS settings, proxies, errors).
 */
@Tag("packaged-jar")
@EnabledIfSystemProperty(named = PackagedJarIT.JAR_PROPERTY, matches = ".+",
        disabledReason = "reads the packaged jar: failsafe, in mvn verify (./run.sh test)")
class PackagedJarContentsIT {
    private static final String SERVICES = "META-INF/services/";
    /** The oldest Java the jar runs on: its multi-release entries for newer ones are not read there. */
    private static final String MIN_JAVA = "21";
    /** One line of {@code jdeps -verbose:class}: a class, a class it refers to, and where that was found. */
    private static final Pattern DEPENDENCY = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+not found$");

    /**
     * A ServiceLoader fails on a provider that a registration names but the jar lacks (SLF4J finds its binding
     * that way, Jackson its modules, the JDK its StAX parser): a registration must go with its class.
     */
    @Test
    void everyServiceProviderTheJarRegisters_isInTheJar() throws IOException {
        List<String> missing = new ArrayList<>();
        try (JarFile jar = new JarFile(PackagedJarIT.jar().toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (!entry.getName().startsWith(SERVICES) || entry.isDirectory()) {
                    continue;
                }
                String registration = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                for (String line : registration.split("\n")) {
                    String provider = line.replaceFirst("#.*", "").trim();
                    if (!provider.isEmpty() && jar.getEntry(provider.replace('.', '/') + ".class") == null) {
                        missing.add(entry.getName().substring(SERVICES.length()) + ": " + provider);
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "service providers registered in the jar but not in it");
    }

    /**
     * Every class that a class in the jar refers to is in the jar or in the JDK, as {@code jdeps} reads them.
     * Two kinds of missing class are no loss: one that holds only compile-time constants (javac copied them
     * into the classes that use them, so it is never loaded: HttpCore's {@code HttpHeaders}, Jackson's
     * {@code JsonTokenId}), and one the build does not have either (a library's optional dependency, which
     * it looks for by name before use: Brotli for HttpClient). jdeps does not read class literals inside
     * annotations (the SDK's {@code @JsonDeserialize(using = RFC2822Deserializer.class)}): running the jar,
     * as {@link PackagedJarIT} does, finds those.
     */
    @Test
    void everyClassTheJarRefersTo_isInTheJarOrTheJdk() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter output = new StringWriter();
        int exit = jdeps.run(new PrintWriter(output), new PrintWriter(output),
                "-verbose:class", "--multi-release", MIN_JAVA, PackagedJarIT.jar().toString());
        assertEquals(0, exit, output.toString());

        Set<String> dangling = new TreeSet<>();
        for (String line : output.toString().split("\n")) {
            Matcher dependency = DEPENDENCY.matcher(line);
            if (dependency.matches() && !isNoLoss(dependency.group(2))) {
                dangling.add(dependency.group(1) + " -> " + dependency.group(2));
            }
        }
        assertEquals(Set.of(), dangling, "classes in the jar refer to classes it lacks");
    }

    /** See {@link #everyClassTheJarRefersTo_isInTheJarOrTheJdk}: the build's class path has every library whole. */
    private static boolean isNoLoss(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, false, PackagedJarContentsIT.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return true;
        }
        return type.getDeclaredMethods().length == 0 && Arrays.stream(type.getDeclaredFields()).allMatch(PackagedJarContentsIT::isConstant);
    }

    private static boolean isConstant(Field field) {
        int modifiers = field.getModifiers();
        return Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                && (field.getType().isPrimitive() || field.getType() == String.class);
    }
}
