package callbridge.call;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether the words of a turn so far read as a finished turn: the text half of the smart end of turn
 * ({@link SmartSilence}). People end a question or a statement with its last word, and trail off or leave a
 * sentence open with a comma, a conjunction, an article or a filler word; the transcript's punctuation and
 * its last word say which. Three verdicts, each a pause length in {@link SmartSilence}, decided in order:
 * <ol>
 *   <li>{@link Verdict#UNFINISHED}: nothing heard yet, or a trailing comma, colon, dash or ellipsis.</li>
 *   <li>{@link Verdict#FINISHED}: a question mark ("¿Para mañana?", "And?").</li>
 *   <li>{@link Verdict#UNFINISHED}: a last word that never ends a sentence ({@link #ALWAYS_OPEN}), whatever
 *       mark a transcriber put after it: "Quiero una mesa y.", "I'd like the".</li>
 *   <li>{@link Verdict#FINISHED}: a full stop or exclamation mark ("Para dos personas.", "I'd love to.").</li>
 *   <li>{@link Verdict#UNFINISHED}: no final mark and a last word that usually leads on
 *       ({@link #USUALLY_OPEN}): "Quiero reservar una mesa para", "a table for".</li>
 *   <li>{@link Verdict#UNSURE}: anything else, such as words without final punctuation.</li>
 * </ol>
 * The tables cover Spanish and English; a language is added by adding its words to them (lower case, as
 * a transcriber writes them: "qué" and "sí" are not "que" and "si").
 */
final class WordsSoFar {
    /** How a pause after these words should be read. */
    enum Verdict { FINISHED, UNSURE, UNFINISHED }

    /** Conjunctions, articles, possessives and fillers: no sentence ends on them. */
    static final Set<String> ALWAYS_OPEN = Set.of(
            // Spanish
            "y", "e", "o", "u", "ni", "pero", "aunque", "porque", "que", "el", "la", "los", "las", "un", "una",
            "unos", "unas", "del", "al", "mi", "mis", "tu", "tus", "su", "sus", "nuestro", "nuestra",
            "eh", "em", "mm", "osea",
            // Titles and abbreviations whose full stop ends no sentence: "La reserva es para el Dr."
            "dr", "dra", "sr", "sra", "srta", "ud", "uds", "dña",
            // English
            "and", "or", "but", "because", "the", "a", "an", "my", "your", "our", "their", "uh", "um", "er", "erm",
            "hmm", "mr", "mrs", "ms", "st", "vs");

    /** Prepositions and subordinators that lead on, unless a transcriber closed the sentence after them. */
    static final Set<String> USUALLY_OPEN = Set.of(
            // Spanish
            "de", "con", "para", "por", "en", "sin", "sobre", "hasta", "desde", "entre", "hacia", "según", "tras",
            "contra", "ante", "si", "como", "cuando", "donde", "mientras", "sino", "muy", "más",
            // English
            "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "if", "when", "while",
            "although", "which", "who", "that", "very", "like", "so");

    /** A sentence left open on purpose: a comma, a colon or semicolon, a dash, or an ellipsis. */
    private static final Pattern OPEN_PUNCTUATION = Pattern.compile("(,|;|:|-|–|—|\\.\\.\\.|…)$");
    /** Closing quotes and brackets that may follow the last mark, and the spaces around them. */
    private static final Pattern TRAILING_CLOSERS = Pattern.compile("[\\s\"'»”’)\\]]+$");

    private WordsSoFar() {
    }

    static Verdict judge(String text) {
        String words = TRAILING_CLOSERS.matcher(text).replaceAll("");
        if (words.isBlank() || OPEN_PUNCTUATION.matcher(words).find()) {
            return Verdict.UNFINISHED;
        }
        char last = words.charAt(words.length() - 1);
        if (last == '?') {
            return Verdict.FINISHED;
        }
        String lastWord = lastWord(words);
        if (ALWAYS_OPEN.contains(lastWord)) {
            return Verdict.UNFINISHED;
        }
        if (last == '.' || last == '!') {
            return Verdict.FINISHED;
        }
        return USUALLY_OPEN.contains(lastWord) ? Verdict.UNFINISHED : Verdict.UNSURE;
    }

    /** The last word, lower case, without the punctuation around it. */
    private static String lastWord(String words) {
        int end = words.length();
        while (end > 0 && !Character.isLetterOrDigit(words.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && (Character.isLetterOrDigit(words.charAt(start - 1)) || words.charAt(start - 1) == '\'')) {
            start--;
        }
        return words.substring(start, end).toLowerCase(Locale.ROOT);
    }
}
