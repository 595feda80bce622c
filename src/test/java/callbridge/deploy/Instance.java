package callbridge.deploy;

import callbridge.testing.ServerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One callbridge instance behind the load balancer, as the README's deployment section sets it up: its
 * {@code INSTANCE_ID} is its HAProxy server name, its {@code RECORDS_DIR} its own, and its port fixed, so
 * that a restart comes back where HAProxy looks for it. Each run is a child process of its own, with its own
 * log; the records directory is kept across runs, as on a real machine.
 */
final class Instance implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final String id;
    private final int port;
    private final Path home;
    private final Map<String, String> settings;
    private final List<ServerProcess> runs = new CopyOnWriteArrayList<>();

    private Instance(String id, int port, Path home, Map<String, String> settings) {
        this.id = id;
        this.port = port;
        this.home = home;
        this.settings = settings;
    }

    /**
     * An instance named {@code id} on {@code port}, not started: {@code settings} are those every instance
     * shares ({@code STREAM_SECRET}, {@code PUBLIC_URL}...), to which its own are added.
     */
    static Instance of(String id, int port, Path home, Map<String, String> settings) throws IOException {
        Path records = Files.createDirectories(home.resolve("records"));
        Map<String, String> own = new HashMap<>(settings);
        own.put("INSTANCE_ID", id);
        own.put("PORT", Integer.toString(port));
        own.put("RECORDS_DIR", records.toString());
        return new Instance(id, port, home, Map.copyOf(own));
    }

    String id() {
        return id;
    }

    int port() {
        return port;
    }

    /** Starts a new run of the process; returns once it listens. */
    void start() throws IOException, InterruptedException {
        launch();
        awaitListening();
    }

    /** Starts a new run of the process, and returns (several instances start faster side by side). */
    void launch() throws IOException {
        Path workDir = Files.createDirectories(home.resolve("run-" + (runs.size() + 1)));
        runs.add(ServerProcess.start(workDir, settings));
    }

    /** Returns once the current run listens, on this instance's port. */
    void awaitListening() throws InterruptedException {
        int listening = current().awaitPort(STARTUP);
        if (listening != port) {
            throw new AssertionError(id + " listens on " + listening + ", not on its port " + port);
        }
    }

    /** SIGTERM, as systemd, Kubernetes or {@code docker stop} send it. */
    void sigterm() {
        current().sigterm();
    }

    /** SIGKILL: the process ends at once, as a crash or the kernel's OOM killer ends it. */
    void kill() {
        current().close();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        return current().awaitExit(timeout);
    }

    boolean isAlive() {
        return !runs.isEmpty() && current().isAlive();
    }

    /** Whether any run of this instance accepted the call's media stream (its log says the stream started). */
    boolean startedStream(String callSid) {
        return runs.stream().anyMatch(run -> run.logged(line -> line.contains("call " + callSid + ": stream ")
                && line.contains(" started")));
    }

    /** Every run's log, for a failure message. */
    String log() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            log.append("\n=== ").append(id).append(", run ").append(i + 1).append(" ===").append(runs.get(i).log());
        }
        return log.toString();
    }

    /** Kills what is still running. */
    @Override
    public void close() {
        runs.forEach(ServerProcess::close);
    }

    private ServerProcess current() {
        if (runs.isEmpty()) {
            throw new IllegalStateException(id + " was never started");
        }
        return runs.getLast();
    }
}
