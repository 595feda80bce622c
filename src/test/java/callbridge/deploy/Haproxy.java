package callbridge.deploy;

import callbridge.testing.Await;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy as a child process in the foreground ({@code -db}), running README.md's configuration after a
 * {@code global} section of the test's own, as Debian runs the README's sections after the {@code global}
 * section of its packaged {@code /etc/haproxy/haproxy.cfg}. The test's section puts the runtime API on a
 * socket in the test's directory, which {@link #state} asks how HAProxy sees each server, and the request
 * log on standard output, which goes to a file ({@link #log}).
 */
final class Haproxy implements AutoCloseable {
    /** The backend README.md's configuration names; its servers are named after the instances' INSTANCE_ID. */
    static final String BACKEND = "callbridge";
    private static final Duration STARTUP = Duration.ofSeconds(10);
    private static final Duration STOP = Duration.ofSeconds(5);
    private static final String SOCKET_VARIABLE = "HAPROXY_TEST_SOCKET";
    private static final String TEST_GLOBAL = """
            # The tests' global section, in place of Debian's: the runtime API on a socket in the test's
            # directory, and the request log on standard output.
            global
                log stdout format raw local0 info
                stats socket "${HAPROXY_TEST_SOCKET}" mode 600 level admin
            """;

    /** A server's operational state, {@code srv_op_state} of {@code show servers state} (management guide 9.3). */
    enum ServerState {
        /** Failed its checks, or not checked yet. */
        DOWN,
        /** Coming up after a failure: passed some checks, not yet {@code rise} of them. */
        STARTING,
        /** Passing its checks: takes new calls. */
        UP,
        /** Answering its checks with 404 ({@code http-check disable-on-404}), "NOLB" on the stats page: no new calls, its own still reach it. */
        DRAINING
    }

    private final Process process;
    private final Path socket;
    private final Path output;

    private Haproxy(Process process, Path socket, Path output) {
        this.process = process;
        this.socket = socket;
        this.output = output;
    }

    /**
     * Starts HAProxy in {@code directory} on {@code config}, with {@code settings} as the environment its
     * {@code "${NAME-default}"} values read; returns once its runtime API answers.
     */
    static Haproxy start(Path directory, String config, Map<String, String> settings) throws Exception {
        Path socket = directory.resolve("admin.sock");
        Path output = directory.resolve("haproxy.log");
        ProcessBuilder builder = new ProcessBuilder(command(directory, config, List.of("-db")))
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        environment(builder, settings, socket);
        Haproxy haproxy = new Haproxy(builder.start(), socket, output);
        try {
            Await.until("HAProxy's runtime API answering", STARTUP, () -> !haproxy.process.isAlive() || haproxy.answers());
            if (!haproxy.process.isAlive()) {
                throw new AssertionError("HAProxy exited " + haproxy.process.exitValue() + ": " + haproxy.log());
            }
            return haproxy;
        } catch (Exception | AssertionError e) {
            haproxy.close();
            throw e;
        }
    }

    /** {@code haproxy -c}: checks the configuration as {@link #start} would run it; its output, or a failure. */
    static String check(Path directory, String config, Map<String, String> settings) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(directory, config, List.of("-c")))
                .directory(directory.toFile())
                .redirectErrorStream(true);
        environment(builder, settings, directory.resolve("admin.sock"));
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("haproxy -c refused the configuration:\n" + printed);
        }
        return printed;
    }

    /** How HAProxy sees the server {@code name} now. */
    ServerState state(String name) throws IOException {
        for (String line : command("show servers state " + BACKEND).lines().toList()) {
            // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...
            String[] fields = line.split(" ");
            if (!line.startsWith("#") && fields.length > 6 && fields[3].equals(name)) {
                return ServerState.values()[Integer.parseInt(fields[5])];
            }
        }
        throw new AssertionError("HAProxy has no server " + name + " in backend " + BACKEND);
    }

    /**
     * Waits until HAProxy sees the server {@code name} in {@code state}: its checks change it and tell
     * nobody, so it is looked at again and again. Returns how long that took.
     */
    Duration awaitState(String name, ServerState state, Duration timeout) throws Exception {
        long from = System.nanoTime();
        Await.until("HAProxy seeing " + name + " " + state, timeout, () -> state(name) == state);
        return Duration.ofNanos(System.nanoTime() - from);
    }

    /** One command to the runtime API (management guide 9.3), its whole answer. */
    String command(String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
            InputStream answer = Channels.newInputStream(channel);
            return new String(answer.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What HAProxy printed: its warnings and one line per request. */
    String log() {
        try {
            return "\n--- haproxy ---\n" + Files.readString(output);
        } catch (IOException e) {
            return "\n--- haproxy: log unreadable: " + e + " ---";
        }
    }

    /** SIGTERM, which stops HAProxy at once; SIGKILL if it has not gone within a few seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private boolean answers() {
        try {
            return Files.exists(socket) && command("show info").contains("Name: HAProxy");
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private static List<String> command(Path directory, String config, List<String> mode) throws IOException {
        Path global = Files.writeString(directory.resolve("global.cfg"), TEST_GLOBAL);
        Path readme = Files.writeString(directory.resolve("callbridge.cfg"), config);
        List<String> command = new ArrayList<>(List.of(HaproxyBinary.find().toString()));
        command.addAll(mode);
        command.addAll(List.of("-f", global.toString(), "-f", readme.toString()));
        return command;
    }

    /** Only the settings: nothing from the build's shell reaches the configuration. */
    private static void environment(ProcessBuilder builder, Map<String, String> settings, Path socket) {
        builder.environment().clear();
        builder.environment().putAll(settings);
        builder.environment().put(SOCKET_VARIABLE, socket.toString());
    }
}
