package callbridge.bench;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The figures in {@code emulate}'s last line: how many calls failed, its late frames and its own CPU per frame. */
record GeneratorSummary(int failedCalls, long lateFrames, double p99LatenessMillis, double maxLatenessMillis,
                        double cpuMicrosPerFrame) {
    private static final Pattern DONE = Pattern.compile("emulate: done: .*?(\\d+) failed or with problems; .*?([\\d,]+) late"
            + " .*?p99 ([\\d.]+) ms, max ([\\d.]+) ms; generator CPU ([\\d.]+) us per frame");

    static GeneratorSummary from(List<String> lines) {
        for (String line : lines.reversed()) {
            Matcher done = DONE.matcher(line);
            if (done.find()) {
                return new GeneratorSummary(Integer.parseInt(done.group(1)), Long.parseLong(done.group(2).replace(",", "")),
                        Double.parseDouble(done.group(3)), Double.parseDouble(done.group(4)), Double.parseDouble(done.group(5)));
            }
        }
        throw new AssertionError("emulate printed no summary:\n" + String.join("\n", lines));
    }
}
