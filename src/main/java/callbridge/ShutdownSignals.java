package callbridge;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * SIGINT and SIGTERM: each signal asks for the next step of a graceful shutdown (a drain, then ending
 * every call now), and one more than there are steps exits at once. Shutdown hooks cannot do this (while
 * they run the JVM ignores further signals), so the handlers are installed with {@code sun.misc.Signal},
 * the JDK's supported-but-unofficial signal API (module jdk.unsupported; javac warns about it at build
 * time, and there is no other way to do this in the JDK).
 */
final class ShutdownSignals {
    private static final System.Logger LOG = System.getLogger(ShutdownSignals.class.getName());

    private final List<CountDownLatch> steps;

    private ShutdownSignals(int steps) {
        this.steps = IntStream.range(0, steps).mapToObj(i -> new CountDownLatch(1)).toList();
    }

    /** One graceful step: the latch opens at the first signal, and a second exits at once. */
    static CountDownLatch install() {
        return install(List.of("shutting down gracefully")).step(1);
    }

    /**
     * Installs the handlers: signal n opens {@link #step} n and logs {@code what.get(n - 1)}; the signal
     * after the last step halts the process (exit code 128 + the signal's number).
     */
    static ShutdownSignals install(List<String> what) {
        ShutdownSignals signals = new ShutdownSignals(what.size());
        AtomicInteger received = new AtomicInteger();
        SignalHandler handler = signal -> {
            int n = received.incrementAndGet();
            String again = n > 1 ? " again" : "";
            if (n <= what.size()) {
                LOG.log(Level.INFO, "SIG{0}{1}: {2} (signal again: {3})", signal.getName(), again, what.get(n - 1),
                        n < what.size() ? what.get(n) : "exiting at once");
                signals.steps.get(n - 1).countDown();
            } else {
                LOG.log(Level.WARNING, "SIG{0}{1}: exiting now", signal.getName(), again);
                Runtime.getRuntime().halt(128 + signal.getNumber());
            }
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
        return signals;
    }

    /** Opens at the {@code n}th signal (from 1). */
    CountDownLatch step(int n) {
        return steps.get(n - 1);
    }
}
