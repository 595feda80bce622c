package callbridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a process costs, read from outside it: CPU time and resident memory from /proc (Linux), live heap via jcmd. */
final class ProcessStats {
    /** USER_HZ: the unit of /proc/[pid]/stat's times; 100 on every mainstream Linux build. */
    private static final long TICKS_PER_SECOND = clockTicks();

    private ProcessStats() {
    }

    /** User and system CPU time of the whole process, in nanoseconds: fields 14 and 15 of /proc/[pid]/stat (proc(5)). */
    static CpuTime cpu(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long tick = 1_000_000_000L / TICKS_PER_SECOND;
        return new CpuTime(Long.parseLong(fields[11]) * tick, Long.parseLong(fields[12]) * tick);
    }

    record CpuTime(long userNanos, long systemNanos) {
        CpuTime minus(CpuTime earlier) {
            return new CpuTime(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos);
        }

        long totalNanos() {
            return userNanos + systemNanos;
        }
    }

    /** VmRSS from /proc/[pid]/status, in KiB. */
    static long residentKb(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }

    /**
     * The live objects on the heap, from {@code jcmd GC.class_histogram} of the JDK running this test, in KiB:
     * counted by one full collection at a safepoint, so allocation going on meanwhile adds nothing. (Reading
     * "used" from {@code GC.heap_info} after {@code GC.run} would count whatever the server allocated in the
     * second between the two commands: at 1,000 calls tens of MB of young garbage.)
     */
    static long liveHeapKb(long pid) throws IOException, InterruptedException {
        String histogram = jcmd(pid, "GC.class_histogram");
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("no Total line from jcmd GC.class_histogram: " + histogram.lines().limit(5).toList());
        }
        return Long.parseLong(total.group(1)) / 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process jcmd = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }
}
