package callbridge.talk;

import callbridge.config.UsageException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user's lines from a plain text file: one a turn, in order; blank lines and {@code #} comments skipped.
 * A line that starts {@code [interrupt 800ms]} is said over the agent's answer to the line before it (or over
 * its greeting, when it is the first), 800 ms into it, instead of after the agent has finished. A line that
 * starts {@code [dtmf 12#]} has the user press those keys, then say the words after the marker; with no words
 * ({@code [dtmf 1]} alone) the user only presses them, as a caller answers "press 1 for reservations". One
 * marker a line: keys are pressed once the agent has finished, never cut into its speech.
 */
final class ScriptedUser implements UserSide {
    /** {@code [interrupt 800ms] words}: the marker, then the words said. */
    private static final Pattern INTERRUPT = Pattern.compile("\\[interrupt\\s+([0-9]{1,6})\\s*ms\\]\\s*(.*)", Pattern.CASE_INSENSITIVE);
    private static final String MARKER_START = "[interrupt";
    /** At most this many keys a line: a card number or a menu path, not a keypad test. */
    static final int MAX_KEYS = 32;
    /** {@code [dtmf 12#] words}: the keys of a phone keypad (and its A-D column), then the words said. */
    private static final Pattern DTMF = Pattern.compile("\\[dtmf\\s+([0-9*#A-D]{1," + MAX_KEYS + "})\\]\\s*(.*)", Pattern.CASE_INSENSITIVE);
    private static final String DTMF_START = "[dtmf";

    /**
     * One line of the script; {@code cutIn} when it is said that far into the agent's speech; {@code keys} the
     * user presses before saying it (empty: none); {@code text} empty when the keys are all the line does.
     */
    record Line(String text, Optional<Duration> cutIn, String keys) {
        Line(String text, Optional<Duration> cutIn) {
            this(text, cutIn, "");
        }
    }

    private final List<Line> lines;
    private int next;

    ScriptedUser(List<Line> lines) {
        this.lines = List.copyOf(lines);
    }

    /** The script's lines. */
    static List<Line> read(Path file) throws UsageException {
        List<String> said = InputFile.SCRIPT.read(file).lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        if (said.isEmpty()) {
            throw new UsageException("the script " + file + " has no lines to say (only blank lines and # comments)");
        }
        List<Line> lines = new ArrayList<>();
        for (String line : said) {
            lines.add(line(file, line));
        }
        return lines;
    }

    private static Line line(Path file, String line) throws UsageException {
        if (line.toLowerCase(Locale.ROOT).startsWith(DTMF_START)) {
            return keys(file, line);
        }
        if (!line.toLowerCase(Locale.ROOT).startsWith(MARKER_START)) {
            return new Line(line, Optional.empty());
        }
        Matcher marked = INTERRUPT.matcher(line);
        if (!marked.matches() || marked.group(2).isBlank()) {
            throw new UsageException("the script " + file + " has a line that starts like an interruption but is not one: '"
                    + line + "' (write [interrupt 800ms] and the words to say)");
        }
        refuseSecondMarker(file, line, marked.group(2));
        long millis = Long.parseLong(marked.group(1));
        if (millis > GenerateClient.MAX_CUT_IN.toMillis()) {
            throw new UsageException("the script " + file + " cuts in " + millis + " ms into the agent's speech; at most "
                    + GenerateClient.MAX_CUT_IN.toMillis() + " ms: '" + line + "'");
        }
        return new Line(marked.group(2).strip(), Optional.of(Duration.ofMillis(millis)));
    }

    private static Line keys(Path file, String line) throws UsageException {
        Matcher marked = DTMF.matcher(line);
        if (!marked.matches()) {
            throw new UsageException("the script " + file + " has a line that starts like keys pressed but is not: '" + line
                    + "' (write [dtmf 12#], then the words to say after, if any; keys are 0-9 * # A-D, at most " + MAX_KEYS + ")");
        }
        refuseSecondMarker(file, line, marked.group(2));
        // Keypads print A-D in capitals, and Twilio reports them so. No words: the keys are the whole turn.
        return new Line(marked.group(2).strip(), Optional.empty(), marked.group(1).toUpperCase(Locale.ROOT));
    }

    /**
     * Refuses a marker after a marker: the grammar takes one a line, so the second would be said aloud as words.
     * Pressing keys and cutting in never go together: the carrier presses keys whenever asked, while only the
     * server knows when the agent is speaking, so keys are pressed once it has finished.
     */
    private static void refuseSecondMarker(Path file, String line, String words) throws UsageException {
        String start = words.strip().toLowerCase(Locale.ROOT);
        if (start.startsWith(DTMF_START) || start.startsWith(MARKER_START)) {
            throw new UsageException("the script " + file + " has a line with two markers: '" + line
                    + "' (one marker a line; keys are pressed once the agent has finished, so no line both presses keys and cuts in)");
        }
    }

    /** True when any line presses keys: a carrier that cannot press them must refuse the script before dialling. */
    static boolean pressesKeys(List<Line> lines) {
        return lines.stream().anyMatch(line -> !line.keys().isEmpty());
    }

    @Override
    public Move next() {
        if (next == lines.size()) {
            return new Done("script finished");
        }
        Line line = lines.get(next++);
        return new Say(line.text(), next == lines.size(), line.keys());
    }

    @Override
    public Optional<Duration> nextCutsIn() {
        return next == lines.size() ? Optional.empty() : lines.get(next).cutIn();
    }

    /** Not when the next line presses keys, with words or without: keys wait for the agent to finish (see {@link #refuseSecondMarker}). */
    @Override
    public boolean nextCanCutIn() {
        return next == lines.size() || lines.get(next).keys().isEmpty();
    }
}
