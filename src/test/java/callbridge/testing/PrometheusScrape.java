package callbridge.testing;

import callbridge.metrics.HistogramSnapshot;
import callbridge.metrics.HistogramSnapshots;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written for the tests from the published
 * rules (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), independent of
 * the server's writer: anything the rules forbid fails with the line number and the rule. What it checks:
 * <ul>
 * <li>lines end in {@code \n}, the last one included; empty lines and other {@code #} comments are ignored;
 * <li>{@code # HELP name text} and {@code # TYPE name type} at most once per name, before the name's first
 * sample; HELP escapes only {@code \\} and {@code \n}; the type is counter, gauge, histogram, summary or untyped;
 * <li>a sample is {@code name[{label="value",...}] value [timestamp]}: names and label names by their
 * grammar, label values escaping only {@code \\}, {@code \"} and {@code \n}, no label twice, no series twice,
 * the value a Go float ({@code NaN}, {@code +Inf}, {@code -Inf} included), the timestamp an integer;
 * <li>a family's lines form one group;
 * <li>a histogram {@code x} has only {@code x_bucket} (each with an {@code le}), {@code x_sum} and
 * {@code x_count}; its buckets ascend by {@code le}, their counts never decrease, the last is
 * {@code le="+Inf"} and equals {@code x_count}; {@code x_sum} is there.
 * </ul>
 */
public final class PrometheusScrape {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_sum", "_count");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A metric family: its TYPE (untyped when none was given), HELP (null when none), and samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families;

    private PrometheusScrape(Map<String, Family> families) {
        this.families = families;
    }

    /** Reads an exposition; throws {@link IllegalArgumentException} at the first rule it breaks. */
    public static PrometheusScrape parse(String text) {
        return new Reader().read(text);
    }

    public Map<String, Family> families() {
        return families;
    }

    public Family family(String name) {
        Family family = families.get(name);
        if (family == null) {
            throw new AssertionError("no metric family " + name + " in the scrape; it has " + families.keySet());
        }
        return family;
    }

    /** The value of the family's one sample without labels. */
    public double value(String name) {
        return sample(name, Map.of()).value();
    }

    /** The value of the family's sample with this one label. */
    public double value(String name, String label, String labelValue) {
        return sample(name, Map.of(label, labelValue)).value();
    }

    /** The buckets and sum of the histogram {@code name}, ready for quantiles. */
    public HistogramSnapshot histogram(String name) {
        Family family = family(name);
        if (!family.type().equals("histogram")) {
            throw new AssertionError(name + " is a " + family.type() + ", not a histogram");
        }
        List<Sample> buckets = family.samples().stream().filter(s -> s.name().equals(name + "_bucket")).toList();
        double[] bounds = new double[buckets.size() - 1];
        long[] cumulative = new long[buckets.size()];
        for (int i = 0; i < buckets.size(); i++) {
            if (i < bounds.length) {
                bounds[i] = Double.parseDouble(buckets.get(i).labels().get("le"));
            }
            cumulative[i] = (long) buckets.get(i).value();
        }
        return HistogramSnapshots.fromCumulative(bounds, cumulative, sum(name));
    }

    /** The {@code _sum} of the histogram {@code name}: every observation added up, in seconds. */
    public double sum(String name) {
        return sampleNamed(family(name), name + "_sum").value();
    }

    private Sample sample(String name, Map<String, String> labels) {
        return family(name).samples().stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels));
    }

    private static Sample sampleNamed(Family family, String name) {
        return family.samples().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("histogram " + family.name() + " has no " + name));
    }

    /** One pass over the lines; state is the family being read and what has been seen. */
    private static final class Reader {
        private final Map<String, String> types = new LinkedHashMap<>();
        private final Map<String, String> helps = new LinkedHashMap<>();
        private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
        private final Set<String> series = new HashSet<>();
        /** Families whose group of lines has ended: another line for one of them breaks the grouping rule. */
        private final Set<String> closed = new HashSet<>();
        private String current;
        private int lineNumber;

        PrometheusScrape read(String text) {
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new IllegalArgumentException("the last line does not end with \\n");
            }
            for (String line : text.split("\n", -1)) {
                lineNumber++;
                if (line.isEmpty()) {
                    continue; // the split's last piece, or an empty line: both ignored
                }
                if (line.startsWith("#")) {
                    comment(line);
                } else {
                    sample(line);
                }
            }
            Map<String, Family> families = new LinkedHashMap<>();
            Set<String> names = new java.util.LinkedHashSet<>(types.keySet());
            names.addAll(samples.keySet());
            for (String name : names) {
                String type = types.getOrDefault(name, "untyped");
                List<Sample> of = samples.getOrDefault(name, List.of());
                if (type.equals("histogram")) {
                    checkHistogram(name, of);
                }
                families.put(name, new Family(name, type, helps.get(name), List.copyOf(of)));
            }
            return new PrometheusScrape(families);
        }

        private void comment(String line) {
            String[] tokens = line.substring(1).stripLeading().split("[ \t]+", 3);
            if (tokens.length < 2 || !(tokens[0].equals("HELP") || tokens[0].equals("TYPE"))) {
                return; // any other comment
            }
            String name = tokens[1];
            requireMetricName(name);
            enter(name);
            if (!samples.getOrDefault(name, List.of()).isEmpty()) {
                fail(tokens[0] + " for " + name + " after its first sample");
            }
            String rest = tokens.length > 2 ? tokens[2] : "";
            if (tokens[0].equals("HELP")) {
                if (helps.put(name, unescape(rest, false)) != null) {
                    fail("a second HELP for " + name);
                }
            } else {
                if (!TYPES.contains(rest.strip())) {
                    fail("unknown TYPE '" + rest + "' for " + name);
                }
                if (types.put(name, rest.strip()) != null) {
                    fail("a second TYPE for " + name);
                }
            }
        }

        private void sample(String line) {
            int at = 0;
            while (at < line.length() && isNameChar(line.charAt(at), at == 0)) {
                at++;
            }
            String name = line.substring(0, at);
            requireMetricName(name);
            Map<String, String> labels = new LinkedHashMap<>();
            if (at < line.length() && line.charAt(at) == '{') {
                at = labels(line, at + 1, labels);
            }
            String[] rest = line.substring(at).strip().split("[ \t]+");
            if (at >= line.length() || !(line.charAt(at) == ' ' || line.charAt(at) == '\t') || rest.length < 1 || rest.length > 2) {
                fail("a sample is name{labels} value [timestamp]: '" + line + "'");
            }
            double value = value(rest[0]);
            if (rest.length == 2 && !TIMESTAMP.matcher(rest[1]).matches()) {
                fail("timestamp '" + rest[1] + "' is not an integer");
            }
            String family = familyOf(name);
            enter(family);
            if (!series.add(name + labels)) {
                fail("the series " + name + labels + " twice");
            }
            if (types.getOrDefault(family, "untyped").equals("histogram")) {
                checkHistogramSample(family, name, labels);
            }
            samples.computeIfAbsent(family, f -> new ArrayList<>()).add(new Sample(name, Map.copyOf(labels), value));
        }

        /** Reads {@code name="value",...}} from {@code at}; returns the index after the closing brace. */
        private int labels(String line, int at, Map<String, String> labels) {
            while (true) {
                if (at < line.length() && line.charAt(at) == '}') {
                    return at + 1;
                }
                int nameStart = at;
                while (at < line.length() && line.charAt(at) != '=') {
                    at++;
                }
                String label = line.substring(nameStart, at).strip();
                if (!LABEL_NAME.matcher(label).matches()) {
                    fail("bad label name '" + label + "'");
                }
                if (at + 1 >= line.length() || line.charAt(at + 1) != '"') {
                    fail("label " + label + ": value must be in double quotes");
                }
                StringBuilder raw = new StringBuilder();
                at += 2;
                while (true) {
                    if (at >= line.length()) {
                        fail("label " + label + ": value not closed");
                    }
                    char c = line.charAt(at);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\' && at + 1 < line.length()) {
                        raw.append(c).append(line.charAt(at + 1));
                        at += 2;
                    } else {
                        raw.append(c);
                        at++;
                    }
                }
                if (labels.put(label, unescape(raw.toString(), true)) != null) {
                    fail("label " + label + " twice");
                }
                at++;
                if (at < line.length() && line.charAt(at) == ',') {
                    at++;
                } else if (at >= line.length() || line.charAt(at) != '}') {
                    fail("labels are separated by commas and closed by }");
                }
            }
        }

        /** A name's family: {@code x} for {@code x_bucket}, {@code x_sum} or {@code x_count} of a histogram {@code x}. */
        private String familyOf(String name) {
            for (String suffix : HISTOGRAM_SUFFIXES) {
                if (name.endsWith(suffix)) {
                    String base = name.substring(0, name.length() - suffix.length());
                    if (types.getOrDefault(base, "").equals("histogram")) {
                        return base;
                    }
                }
            }
            return name;
        }

        private void checkHistogramSample(String family, String name, Map<String, String> labels) {
            if (name.equals(family)) {
                fail("histogram " + family + " has a sample under its bare name");
            }
            if (name.endsWith("_bucket") != labels.containsKey("le")) {
                fail(name + ": every _bucket and only a _bucket has an le label");
            }
            if (labels.containsKey("le") && !labels.get("le").equals("+Inf")) {
                value(labels.get("le"));
            }
        }

        private void checkHistogram(String name, List<Sample> samples) {
            List<Sample> buckets = samples.stream().filter(s -> s.name().equals(name + "_bucket")).toList();
            if (buckets.isEmpty() || !buckets.getLast().labels().get("le").equals("+Inf")) {
                throw new IllegalArgumentException("histogram " + name + ": the last bucket must be le=\"+Inf\"");
            }
            double previousBound = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample bucket : buckets) {
                double bound = bucket.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(bucket.labels().get("le"));
                if (!(bound > previousBound)) {
                    throw new IllegalArgumentException("histogram " + name + ": buckets must ascend by le, got " + bound + " after " + previousBound);
                }
                if (bucket.value() < previousCount) {
                    throw new IllegalArgumentException("histogram " + name + ": bucket counts are cumulative, yet le=" + bound + " has fewer");
                }
                previousBound = bound;
                previousCount = bucket.value();
            }
            Sample count = sampleNamed(new Family(name, "histogram", null, samples), name + "_count");
            sampleNamed(new Family(name, "histogram", null, samples), name + "_sum");
            if (count.value() != buckets.getLast().value()) {
                throw new IllegalArgumentException("histogram " + name + ": le=\"+Inf\" " + buckets.getLast().value()
                        + " differs from _count " + count.value());
            }
        }

        /** The family's lines must come as one group: entering another closes this one for good. */
        private void enter(String family) {
            if (family.equals(current)) {
                return;
            }
            if (closed.contains(family)) {
                fail("lines of " + family + " are not one group");
            }
            if (current != null) {
                closed.add(current);
            }
            current = family;
        }

        private double value(String text) {
            return switch (text) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> {
                    if (!FLOAT.matcher(text).matches()) {
                        fail("'" + text + "' is not a float");
                    }
                    yield Double.parseDouble(text);
                }
            };
        }

        private String unescape(String text, boolean labelValue) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                switch (next) {
                    case '\\' -> out.append('\\');
                    case 'n' -> out.append('\n');
                    case '"' -> {
                        if (!labelValue) {
                            fail("HELP text escapes only \\\\ and \\n, not \\\"");
                        }
                        out.append('"');
                    }
                    default -> fail("unknown escape \\" + (next == 0 ? "" : String.valueOf(next)));
                }
                i++;
            }
            return out.toString();
        }

        private void requireMetricName(String name) {
            if (!METRIC_NAME.matcher(name).matches()) {
                fail("bad metric name '" + name + "'");
            }
        }

        private static boolean isNameChar(char c, boolean first) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
        }

        private void fail(String why) {
            throw new IllegalArgumentException("line " + lineNumber + ": " + why);
        }
    }
}
