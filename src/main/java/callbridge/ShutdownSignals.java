package callbridge;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGINT and SIGTERM: the first asks for a graceful shutdown, a second one exits at once. Shutdown hooks
 * cannot do this (while they run the JVM ignores further signals), so the handlers are installed with
 * {@code sun.misc.Signal}, the JDK's supported-but-unofficial signal API (module jdk.unsupported; javac
 * warns about it at build time, and there is no other way to do this in the JDK).
 */
final class ShutdownSignals {
    private static final System.Logger LOG = System.getLogger(ShutdownSignals.class.getName());

    private ShutdownSignals() {
    }

    /** Installs the handlers; the latch opens at the first signal. */
    static CountDownLatch install() {
        CountDownLatch stopRequested = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        SignalHandler handler = signal -> {
            if (signalled.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "SIG{0}: shutting down gracefully (send it again to exit at once)", signal.getName());
                stopRequested.countDown();
            } else {
                LOG.log(Level.WARNING, "SIG{0} again: exiting now", signal.getName());
                Runtime.getRuntime().halt(128 + signal.getNumber());
            }
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
        return stopRequested;
    }
}
