package callbridge.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names in a {@code .env} file that callbridge does not read. A typo ({@code APIKEY} for {@code API_KEY})
 * would otherwise be ignored in silence and the default used, so start-up warns about each one, with the
 * name probably meant (by edit distance, or a word left out). The environment is not checked: it holds every other program's variables too.
 */
public final class UnknownSettings {
    /** Prefixes of settings the {@code talk} command reads, and the tools it drives: known, not checked here. */
    static final List<String> OTHER_COMMANDS_PREFIXES = List.of("TALK_", "LLM_", "GALTEA_");
    /** Edits within which an unknown name is taken for a typo of a known one: one slip and one more. */
    static final int MAX_TYPO_EDITS = 2;
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

    /** True when the server reads a setting of this name (exactly as spelt). */
    public static boolean isKnown(String name) {
        return KNOWN.contains(name);
    }

    static Set<String> knownNames() {
        Settings settings = new Settings(Map.of());
        Config.from(settings);
        return Set.copyOf(settings.namesRead());
    }

    /**
     * The known name {@code name} most likely means: the nearest by {@link EditDistance} (case aside) among
     * those within {@link #MAX_TYPO_EDITS} edits ({@code API_KY}, {@code API_KEYS}, {@code APIKEY}) or that hold
     * all of its words in order with some left out ({@code ELEVENLABS_KEY}, {@code TWILIO_TOKEN}); empty when
     * none is.
     */
    static Optional<String> likelyMeant(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return KNOWN.stream().sorted()
                .filter(known -> EditDistance.between(upper, known) <= MAX_TYPO_EDITS || wordsLeftOut(upper, known))
                .min(Comparator.comparingInt(known -> EditDistance.between(upper, known)));
    }

    /**
     * True when {@code name}'s words (split at underscores; two at least, so that a lone {@code KEY} suggests
     * nothing) all appear in {@code known}, in the same order, with other words between or around them.
     */
    private static boolean wordsLeftOut(String name, String known) {
        List<String> words = List.of(name.split("_"));
        List<String> knownWords = List.of(known.split("_"));
        if (words.size() < 2 || words.size() >= knownWords.size()) {
            return false;
        }
        int next = 0;
        for (String knownWord : knownWords) {
            if (next < words.size() && knownWord.equals(words.get(next))) {
                next++;
            }
        }
        return next == words.size();
    }
}
