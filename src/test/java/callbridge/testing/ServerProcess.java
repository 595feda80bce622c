package callbridge.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * callbridge running as a child process. Its stdout and stderr go to files, which never fill up and
 * block the child the way an unread pipe would (and, unlike a pipe read on a thread, lose nothing when
 * the process exits: the JDK closes a live pipe under its reader then).
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("callbridge listening on port (\\d+)");

    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;

    private ServerProcess(Process process, Path stdoutFile, Path stderrFile) {
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
    }

    /**
     * Settings for a server wired to the stand-ins: port 0, signatures off, and of the outside environment
     * only what the JVM itself may want (no callbridge setting leaks in from the build's shell).
     */
    public static Map<String, String> environmentFor(FakeTwilioRest twilio, FakeElevenLabs elevenLabs, String apiKey) {
        Map<String, String> environment = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR")) {
            String value = System.getenv(name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        environment.put("PORT", "0");
        environment.put("API_KEY", apiKey);
        environment.put("TWILIO_ACCOUNT_SID", FakeTwilioRest.ACCOUNT_SID);
        environment.put("TWILIO_AUTH_TOKEN", FakeTwilioRest.AUTH_TOKEN);
        environment.put("TWILIO_API_BASE_URL", twilio.baseUrl().toString());
        environment.put("TWILIO_VALIDATE_SIGNATURES", "false");
        environment.put("ELEVENLABS_API_KEY", FakeElevenLabs.API_KEY);
        environment.put("ELEVENLABS_BASE_URL", elevenLabs.baseUrl().toString());
        return environment;
    }

    public static ServerProcess start(Path workDir, Map<String, String> environment) throws IOException {
        if (Files.exists(workDir.resolve(".env"))) {
            throw new IllegalArgumentException("a .env in " + workDir + " would add settings of its own");
        }
        return run(workDir, environment, List.of("serve"));
    }

    /** {@code callbridge.Main} with these arguments, in {@code workDir} as it is (a {@code .env} there is read). */
    public static ServerProcess run(Path workDir, Map<String, String> environment, List<String> arguments) throws IOException {
        return run(workDir, environment, arguments, List.of());
    }

    /** As {@link #run(Path, Map, List)}, the JVM launched through {@code launcher}, such as {@code taskset -c 0}. */
    public static ServerProcess run(Path workDir, Map<String, String> environment, List<String> arguments,
                                    List<String> launcher) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "callbridge.Main"));
        command.addAll(arguments);
        return launch(workDir, environment, command);
    }

    /**
     * {@code java OPTIONS -jar jar} with these arguments, as a user runs the packaged jar: nothing from this
     * JVM's class path, and no JVM flag but {@code jvmOptions} (native access, say, must come from the manifest).
     */
    public static ServerProcess runJar(Path jar, List<String> jvmOptions, Path workDir, Map<String, String> environment,
                                       List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(arguments);
        return launch(workDir, environment, command);
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("the running JVM's command is unknown"));
    }

    private static ServerProcess launch(Path workDir, Map<String, String> environment, List<String> command) throws IOException {
        Path logs = Files.createDirectories(workDir.resolve("logs"));
        Path stdout = logs.resolve("stdout.txt");
        Path stderr = logs.resolve("stderr.txt");
        // A job a non-interactive shell starts in the background (a CI script's `cmd &`) inherits SIGINT
        // ignored, and a JVM that starts with it ignored never installs its handler: a test's SIGINT would
        // then do nothing. env (coreutils 8.31+) gives the child the default disposition back.
        List<String> withSignals = new ArrayList<>(List.of("/usr/bin/env", "--default-signal=INT"));
        withSignals.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(withSignals)
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ServerProcess(builder.start(), stdout, stderr);
    }

    public List<String> stdout() {
        return lines(stdoutFile);
    }

    /** Complete lines so far (a line still being written is left for the next look). */
    public List<String> stderr() {
        return lines(stderrFile);
    }

    private static List<String> lines(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        } catch (IOException e) {
            throw new IllegalStateException("reading " + file, e);
        }
    }

    /** The port the child logged that it listens on; fails early if the child exits first. */
    public int awaitPort(Duration timeout) throws InterruptedException {
        try {
            // The child's output file signals nothing when a line is added: polled, like awaitLine.
            Await.until("the child listening, or gone", timeout, () -> listeningPort().isPresent() || !process.isAlive());
        } catch (AssertionError e) {
            // reported below, with the log
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return listeningPort().orElseThrow(() -> new AssertionError(
                "no \"callbridge listening on port\" within " + timeout.toSeconds() + " s: " + log()));
    }

    private OptionalInt listeningPort() {
        for (String line : stderr()) {
            Matcher listening = LISTENING.matcher(line);
            if (listening.find()) {
                return OptionalInt.of(Integer.parseInt(listening.group(1)));
            }
        }
        return OptionalInt.empty();
    }

    public void awaitLine(Predicate<String> condition, Duration timeout) throws InterruptedException {
        try {
            Await.until("a line logged", timeout, () -> logged(condition));
        } catch (AssertionError e) {
            throw new AssertionError("expected line not logged: " + log(), e);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM: {@link Process#destroy} sends it on Linux, and may be called again to send another. */
    public void sigterm() {
        process.destroy();
    }

    /** SIGINT, as Ctrl-C in a terminal sends it (the JDK has no API for it: {@code kill} does it). */
    public void sigint() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -INT " + process.pid() + " failed");
        }
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running " + timeout.toMillis() + " ms later: " + log());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's process id, for measuring it (CPU time, memory). */
    public long pid() {
        return process.pid();
    }

    public boolean logged(Predicate<String> condition) {
        return Stream.concat(stderr().stream(), stdout().stream()).anyMatch(condition);
    }

    public String log() {
        return "\n--- stderr ---\n" + String.join("\n", stderr()) + "\n--- stdout ---\n" + String.join("\n", stdout());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
