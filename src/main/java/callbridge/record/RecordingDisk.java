package callbridge.record;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A recording's file work, done in order on a (virtual) thread of its own, with at most
 * {@link #MAX_PENDING_WRITES} pieces waiting. The first failure, or a piece that finds no room, fails
 * the recording: reported once, and the work still waiting is skipped.
 */
final class RecordingDisk {
    /**
     * Writes that may wait for the disk, each half a second of one side's audio (8 KB): room for our speech,
     * which comes faster than real time, and for a disk that pauses. A disk this far behind has stopped;
     * holding more would only cost memory.
     */
    static final int MAX_PENDING_WRITES = 32;
    /** How long the end of a call waits for its recording's disk to finish the writes handed to it. */
    static final Duration FINISH_PATIENCE = Duration.ofSeconds(10);

    /** Work on a recording's files; it may wait for the disk. */
    @FunctionalInterface
    interface FileWork {
        void run() throws IOException;
    }

    private final ThreadPoolExecutor thread;
    private final Consumer<IOException> onFailure;
    private final AtomicBoolean failed = new AtomicBoolean();

    RecordingDisk(String name, Consumer<IOException> onFailure) {
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_PENDING_WRITES),
                Thread.ofVirtual().name(name).factory());
        this.onFailure = onFailure;
    }

    boolean failed() {
        return failed.get();
    }

    /** Hands {@code work} to the recording's thread without waiting; fails the recording when there is no room. */
    void submit(FileWork work) {
        if (failed.get()) {
            return;
        }
        try {
            thread.execute(() -> {
                if (failed.get()) {
                    return;
                }
                try {
                    work.run();
                } catch (IOException e) {
                    fail(e);
                }
            });
        } catch (RejectedExecutionException e) {
            if (!thread.isShutdown()) { // once finished or stopped, a late frame is simply not recorded
                fail(new IOException("the disk did not keep up: " + MAX_PENDING_WRITES + " writes were waiting for it"));
            }
        }
    }

    /**
     * Takes no more work, drops what waits and interrupts what is under way, without waiting for it: a
     * disk that hangs keeps only this thread.
     */
    void stop() {
        failed.set(true); // what the interruption breaks is no failure to report
        thread.shutdownNow();
    }

    /** Takes no more work and waits for what was handed over; true if all of it succeeded in time. */
    boolean finish() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(FINISH_PATIENCE.toNanos(), TimeUnit.NANOSECONDS)) {
                fail(new IOException("the disk did not finish the recording within " + FINISH_PATIENCE.toSeconds() + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new IOException("interrupted while the recording was being finished"));
        }
        return !failed.get();
    }

    /** Fails the recording, reported once: also for file work done outside this thread (deleting the files). */
    void fail(IOException e) {
        if (failed.compareAndSet(false, true)) {
            onFailure.accept(e);
        }
    }
}
