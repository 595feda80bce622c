package callbridge.emulate;

import java.time.Duration;

/**
 * The CPU the generator's process used while every call was running (after the last one started), as a
 * share of one core and, under load, per frame sent. It is the whole process: the JVM's compiler and
 * collector, the readers and the pacer alike. At one call's 50 frames a second that fixed cost, shared out per
 * frame, came to 330-2,236 us and read as alarming; per frame it only means something once frames dominate,
 * so it is given from {@link #MIN_FRAMES_PER_SECOND} on, and the share of a core always.
 *
 * @param cpu    CPU time the process used over {@code wall}
 * @param wall   how long that was
 * @param frames frames sent over {@code wall}
 */
record GeneratorCpu(Duration cpu, Duration wall, long frames) {
    /** 10 calls' worth: below it the JVM's own work outweighs the frames'. */
    static final long MIN_FRAMES_PER_SECOND = 500;
    /** Shorter than this, the process CPU clock's resolution and the JIT's first minutes make any figure noise. */
    static final Duration MIN_WALL = Duration.ofSeconds(1);

    @Override
    public String toString() {
        if (wall.compareTo(MIN_WALL) < 0) {
            return "generator CPU not measured (under " + MIN_WALL.toSeconds() + " s with every call running)";
        }
        double seconds = wall.toNanos() / 1e9;
        double share = 100 * cpu.toNanos() / 1e9 / seconds;
        if (frames / seconds < MIN_FRAMES_PER_SECOND) {
            return String.format("generator CPU %.1f%% of one core while every call ran", share);
        }
        // The per-frame figure leads: the capacity benchmark reads it from this line.
        return String.format("generator CPU %.1f us per frame, %.1f%% of one core, while every call ran",
                cpu.toNanos() / 1e3 / frames, share);
    }
}
