package callbridge.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names in a {@code .env} file that callbridge does not read. A typo ({@code APIKEY} for {@code API_KEY})
 * would otherwise be ignored in silence and the default used, so start-up warns about each one, with the
 * name probably meant. The environment is not checked: it holds every other program's variables too.
 */
public final class UnknownSettings {
    /** Prefixes of settings the {@code talk} command reads, and the tools it drives: known, not checked here. */
    static final List<String> OTHER_COMMANDS_PREFIXES = List.of("TALK_", "LLM_", "GALTEA_");
    /** What {@link Config} reads, learned by letting it read an empty configuration (which is all defaults). */
    private static final Set<String> KNOWN = knownNames();

    private UnknownSettings() {
    }

    /** One warning per unknown name in {@code dotEnv}, in its order (the file's, as {@link DotEnv} reads it). */
    public static List<String> warnings(Map<String, String> dotEnv) {
        return dotEnv.keySet().stream()
                .filter(name -> !KNOWN.contains(name))
                .filter(name -> OTHER_COMMANDS_PREFIXES.stream().noneMatch(name::startsWith))
                .map(name -> ".env sets " + name + ", which callbridge does not read"
                        + likelyMeant(name).map(known -> " (did you mean " + known + "?)").orElse(""))
                .toList();
    }

    static Set<String> knownNames() {
        Settings settings = new Settings(Map.of());
        Config.from(settings);
        return Set.copyOf(settings.namesRead());
    }

    /** A known name that differs only in case and underscores: APIKEY and api_key both mean API_KEY. */
    private static Optional<String> likelyMeant(String name) {
        return KNOWN.stream().filter(known -> loose(known).equals(loose(name))).findFirst();
    }

    private static String loose(String name) {
        return name.replace("_", "").toUpperCase(Locale.ROOT);
    }
}
