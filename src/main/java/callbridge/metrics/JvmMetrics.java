package callbridge.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;

/** The JVM's own figures, read from its management beans at each scrape: heap, and threads. */
public final class JvmMetrics {
    private JvmMetrics() {
    }

    /** Registers the heap in use and committed, and the live threads, in {@code registry}. */
    public static void registerIn(MetricRegistry registry) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        registry.gauge("callbridge_jvm_heap_used_bytes", "Java heap in use, live objects and garbage not yet collected.",
                () -> memory.getHeapMemoryUsage().getUsed());
        registry.gauge("callbridge_jvm_heap_committed_bytes", "Java heap the JVM has taken from the operating system.",
                () -> memory.getHeapMemoryUsage().getCommitted());
        // ThreadMXBean counts platform threads only: the virtual thread of each connection and call is not in it.
        registry.gauge("callbridge_jvm_threads_live", "Live platform threads (virtual threads are not counted).",
                threads::getThreadCount);
    }
}
