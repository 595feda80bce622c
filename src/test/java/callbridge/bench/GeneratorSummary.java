package callbridge.bench;

import callbridge.testing.ServerProcess;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures in {@code emulate}'s last line: how many calls failed, its late frames, its own CPU per frame,
 * and how soon the server's replies came after each caller stopped talking (NaN when none came).
 */
record GeneratorSummary(int failedCalls, long framesSent, long lateFrames, double p99LatenessMillis, double maxLatenessMillis,
                        double cpuMicrosPerFrame, double p50ReplyMillis, double p99ReplyMillis) {
    private static final Pattern DONE = Pattern.compile("emulate: done: .*?(\\d+) failed or with problems; ([\\d,]+) frames sent, ([\\d,]+) late"
            + " .*?p99 ([\\d.]+) ms, max ([\\d.]+) ms; generator CPU ([\\d.]+) us per frame");
    private static final Pattern REPLIES = Pattern.compile("server replies .*? p50 ([\\d.]+) ms, p99 ([\\d.]+) ms");

    private static final Pattern PROGRESS = Pattern.compile("^emulate: \\d+ s: .*?([\\d,]+) frames sent");
    /** How often the generator's output is looked at: the window's edges are this precise. */
    private static final long POLL_MILLIS = 20;

    /** Waits for a progress line newer than {@code after} frames; returns its frame count. */
    static long awaitProgress(ServerProcess generator, long after) throws InterruptedException {
        int seen = generator.stdout().size();
        while (generator.isAlive()) {
            List<String> lines = generator.stdout();
            for (String line : lines.subList(Math.min(seen, lines.size()), lines.size()).reversed()) {
                Matcher progress = PROGRESS.matcher(line);
                if (progress.find() && Long.parseLong(progress.group(1).replace(",", "")) > after) {
                    return Long.parseLong(progress.group(1).replace(",", ""));
                }
            }
            Thread.sleep(POLL_MILLIS); // the generator is another process: its output file is polled
        }
        throw new AssertionError("the generator exited early:" + generator.log());
    }

    static GeneratorSummary from(List<String> lines) {
        for (String line : lines.reversed()) {
            Matcher done = DONE.matcher(line);
            if (done.find()) {
                Matcher replies = REPLIES.matcher(line);
                boolean replied = replies.find();
                return new GeneratorSummary(Integer.parseInt(done.group(1)), Long.parseLong(done.group(2).replace(",", "")),
                        Long.parseLong(done.group(3).replace(",", "")), Double.parseDouble(done.group(4)),
                        Double.parseDouble(done.group(5)), Double.parseDouble(done.group(6)),
                        replied ? Double.parseDouble(replies.group(1)) : Double.NaN,
                        replied ? Double.parseDouble(replies.group(2)) : Double.NaN);
            }
        }
        throw new AssertionError("emulate printed no summary:\n" + String.join("\n", lines));
    }
}
