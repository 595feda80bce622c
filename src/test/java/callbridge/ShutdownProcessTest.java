package callbridge;


import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.DeafTwilioPeer;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.ServerProcess;
import callbridge.testing.TwilioDialer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM as an operator (or an orchestrator) sends it: callbridge runs as a child process exactly as
 * {@code java -jar} would run it (the test JVM's java, its class path, {@code callbridge.Main serve}), with
 * its settings in the environment, pointed at the Twilio REST and ElevenLabs stand-ins in this JVM.
 * Every wait is bounded; a child left running is killed after each test.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ShutdownProcessTest {
    private static final Duration GRACE = Duration.ofSeconds(5);
    /** How far past its grace the process may take to exit: JVM exit and our own polling. */
    private static final Duration EXIT_MARGIN = Duration.ofMillis(1_500);
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration FILL_BUFFERS = Duration.ofSeconds(45);
    private static final String API_KEY = "process-test-key";
    /** One line of callbridge's own log: logging.properties' format, a logger under "callbridge". */
    private static final Pattern OWN_LOG_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARNING|SEVERE) +callbridge(\\.\\w+)*: .+");
    /** SIGTERM is signal 15; the JVM exits with 128 + the signal's number. */
    private static final int EXIT_ON_SECOND_SIGTERM = 128 + 15;
    /** Runs the waiting /generate requests, one virtual thread each. */
    private static final ExecutorService WAITERS = Executors.newVirtualThreadPerTaskExecutor();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    private static FakeElevenLabs elevenLabs;

    @TempDir
    Path workDir;
    private FakeTwilioRest twilio;
    private final List<FakeTwilioCall> calls = new ArrayList<>();
    private ServerProcess child;

    /** Spoken into calls whose peers stop reading: 1,000 s of audio, far more than socket buffers hold. */
    private static final String LONG_SPEECH = "a very long speech";
    private static final byte[] LONG_AUDIO = new byte[8_000_000];

    @BeforeAll
    static void startElevenLabs() throws IOException {
        java.util.Arrays.fill(LONG_AUDIO, (byte) 0xFF);
        elevenLabs = FakeElevenLabs.start(pcm -> "", text -> text.equals(LONG_SPEECH) ? LONG_AUDIO : new byte[160]);
    }

    @AfterAll
    static void stopElevenLabs() {
        elevenLabs.close();
    }

    @BeforeEach
    void startTwilio() throws IOException {
        twilio = FakeTwilioRest.start();
    }

    @AfterEach
    void stopEverything() {
        if (child != null) {
            child.close();
        }
        calls.forEach(FakeTwilioCall::abortWithoutClose);
        twilio.close();
    }

    @Test
    void sigterm_completesEveryCall_closesStreamsWith1001_answersWaiters_exitsZeroWithinGrace() throws Exception {
        child = ServerProcess.start(workDir, environment(GRACE));
        int port = child.awaitPort(STARTUP);
        List<CompletableFuture<HttpResponse<String>>> waiters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            FakeTwilioCall call = TwilioDialer.loopback(port).call();
            calls.add(call);
            waiters.add(waitForFirstUtterance(port, call.callSid()));
        }
        for (FakeTwilioCall call : calls) {
            awaitHeld(port, call.callSid());
        }

        long signalled = System.nanoTime();
        child.sigterm();
        int exitCode = child.awaitExit(GRACE.plus(EXIT_MARGIN).plus(WAIT));
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);
        report("10 calls, SHUTDOWN_GRACE=" + GRACE.toSeconds() + " s: exited " + exitCode + " after " + took.toMillis() + " ms");

        assertEquals(0, exitCode, child.log());
        assertTrue(took.compareTo(GRACE.plus(EXIT_MARGIN)) < 0, "took " + took.toMillis() + " ms");
        Set<String> callSids = calls.stream().map(FakeTwilioCall::callSid).collect(Collectors.toSet());
        assertEquals(callSids, twilio.updates().stream().map(FakeTwilioRest.CallUpdate::callSid).collect(Collectors.toSet()));
        assertEquals(callSids.size(), twilio.updates().size(), "each call completed once");
        twilio.updates().forEach(update -> assertEquals("completed", update.form().get("Status")));
        for (FakeTwilioCall call : calls) {
            assertEquals(1001, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS), call.callSid());
        }
        for (CompletableFuture<HttpResponse<String>> waiter : waiters) {
            HttpResponse<String> answer = waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode body = Json.MAPPER.readTree(answer.body());
            assertEquals("call_ended", body.path("kind").asText(), answer.body());
            assertEquals("Conversation ended by Twilio", body.path("response").asText(), answer.body());
            assertEquals("shutdown", body.path("reason").asText(), answer.body());
        }
        assertTrue(child.logged(line -> line.contains("shutting down: ending 10 call(s)")), child.log());
        assertTrue(child.logged(line -> line.endsWith("callbridge.Callbridge: shut down")), child.log());
        assertOnlyOwnLogLines(child);
        assertFalse(child.logged(line -> line.contains(" SEVERE ")), child.log());
    }

    @Test
    void whileShuttingDown_healthIs404OnOpenConnections_newConnectionsAreRefused_andASecondSigtermExitsAtOnce() throws Exception {
        Duration longGrace = Duration.ofSeconds(30);
        child = ServerProcess.start(workDir, environment(longGrace));
        int port = child.awaitPort(STARTUP);
        FakeTwilioCall call = TwilioDialer.loopback(port).call();
        calls.add(call);
        twilio.script(call.callSid(), new FakeTwilioRest.Hang()); // keeps the shutdown draining
        try (KeptAlive connection = KeptAlive.open(port)) {
            assertHealth(200, "healthy", connection.get("/health"));
            CompletableFuture<HttpResponse<String>> waiter = waitForFirstUtterance(port, call.callSid());
            awaitHeld(port, call.callSid()); // the call is in progress on the server

            child.sigterm();
            twilio.awaitUpdates(1, WAIT); // the completion hangs: the first shutdown cannot finish
            assertHealth(404, "draining", connection.get("/health"));
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                    "no new connections while draining");
            assertEquals(1001, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(200, waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
            assertTrue(child.isAlive(), "still draining: " + child.log());

            long signalled = System.nanoTime();
            child.sigterm();
            int exitCode = child.awaitExit(WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);
            report("second SIGTERM while draining (SHUTDOWN_GRACE=30 s): exited " + exitCode + " after " + took.toMillis() + " ms");
            assertEquals(EXIT_ON_SECOND_SIGTERM, exitCode, child.log());
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took.toMillis() + " ms");
        }
        assertTrue(child.logged(line -> line.contains("SIGTERM again: exiting now")), child.log());
        assertOnlyOwnLogLines(child);
    }

    @Test
    void twilioNeverAnswering_cannotHoldTheShutdownPastItsGrace() throws Exception {
        Duration shortGrace = Duration.ofSeconds(2);
        child = ServerProcess.start(workDir, environment(shortGrace));
        int port = child.awaitPort(STARTUP);
        List<CompletableFuture<HttpResponse<String>>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FakeTwilioCall call = TwilioDialer.loopback(port).call();
            calls.add(call);
            waiters.add(waitForFirstUtterance(port, call.callSid()));
            awaitHeld(port, call.callSid()); // the call is in progress on the server
        }
        twilio.script(calls.getFirst().callSid(), new FakeTwilioRest.Hang());

        long signalled = System.nanoTime();
        child.sigterm();
        int exitCode = child.awaitExit(shortGrace.plus(EXIT_MARGIN).plus(WAIT));
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);
        report("Twilio hanging, SHUTDOWN_GRACE=2 s: exited " + exitCode + " after " + took.toMillis() + " ms");

        assertEquals(0, exitCode, child.log());
        assertTrue(took.compareTo(shortGrace.minusMillis(200)) > 0, "it waited for the hung completion: " + took.toMillis() + " ms");
        assertTrue(took.compareTo(shortGrace.plus(EXIT_MARGIN)) < 0, "took " + took.toMillis() + " ms");
        assertEquals(calls.size(), twilio.updates().size(), "every completion was asked for, in parallel");
        for (FakeTwilioCall call : calls) {
            assertEquals(1001, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        for (CompletableFuture<HttpResponse<String>> waiter : waiters) {
            assertEquals(200, waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
        }
        assertTrue(child.logged(line -> line.contains("shutdown grace ran out")), child.log());
        assertOnlyOwnLogLines(child);
    }

    /**
     * The finding: closing a call whose peer does not read waited 2 s for its send lock, one call after
     * another, so SIGTERM with 15 such calls took 31.5 s against a 10 s grace and left a call not completed.
     * Here each of 15 peers stops reading while the server speaks into its call.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void sigterm_with15PeersThatDoNotRead_exitsWithinTheGrace_completesEveryCall() throws Exception {
        child = ServerProcess.start(workDir, environment(GRACE));
        int port = child.awaitPort(STARTUP);
        List<DeafTwilioPeer> peers = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> speaking = new ArrayList<>();
        try {
            for (int i = 0; i < 15; i++) {
                DeafTwilioPeer peer = DeafTwilioPeer.start(port, WAIT);
                peers.add(peer);
                child.awaitLine(line -> line.contains("call " + peer.callSid() + ": stream "), WAIT); // started
                speaking.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return generate(port, "sid=" + peer.callSid() + "&input=" + LONG_SPEECH.replace(" ", "%20") + "&timeout=60");
                    } catch (IOException | InterruptedException e) {
                        return null; // the server went away mid-answer: fine, it is shutting down
                    }
                }, WAITERS));
            }
            // Each call's sender then holds the call's send lock, blocked. Filling the buffers takes a while on a
            // loaded machine (the speech is made and sent a kilobyte at a time), hence the generous wait.
            long filled = System.nanoTime() + FILL_BUFFERS.toNanos();
            for (DeafTwilioPeer peer : peers) {
                peer.awaitServerStuck(port, 256 * 1024, Duration.ofNanos(Math.max(0, filled - System.nanoTime())));
            }

            long signalled = System.nanoTime();
            child.sigterm();
            int exitCode = child.awaitExit(GRACE.plus(EXIT_MARGIN).plus(WAIT));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);
            report("15 peers not reading, SHUTDOWN_GRACE=" + GRACE.toSeconds() + " s: exited " + exitCode + " after " + took.toMillis() + " ms");

            assertEquals(0, exitCode, child.log());
            assertTrue(took.compareTo(GRACE.plus(EXIT_MARGIN)) < 0, "took " + took.toMillis() + " ms");
            Set<String> callSids = peers.stream().map(DeafTwilioPeer::callSid).collect(Collectors.toSet());
            assertEquals(callSids, twilio.updates().stream().map(FakeTwilioRest.CallUpdate::callSid).collect(Collectors.toSet()),
                    child.log());
            assertFalse(child.logged(line -> line.contains("grace ran out")), child.log());
            assertFalse(child.logged(line -> line.contains(" SEVERE ")), child.log());
        } finally {
            for (DeafTwilioPeer peer : peers) {
                peer.close();
            }
        }
    }

    @Test
    void startUpLog_isCallbridgesOwn_noLibraryWarnings() throws Exception {
        Map<String, String> environment = environment(GRACE);
        environment.put("INSTANCE_ID", "cb-test.1");
        child = ServerProcess.start(workDir, environment);
        child.awaitPort(STARTUP);
        child.awaitLine(line -> line.contains("Twilio voice webhook: "), WAIT);
        child.sigterm();
        assertEquals(0, child.awaitExit(GRACE.plus(WAIT)), child.log());
        List<String> startUp = child.stderr().stream().takeWhile(line -> !line.contains("SIGTERM")).toList();
        assertEquals(List.of(
                        "WARNING callbridge: TWILIO_VALIDATE_SIGNATURES=false: anyone can open calls on this server",
                        "INFO    callbridge: callbridge listening on port " + child.awaitPort(WAIT) + " as instance cb-test.1",
                        "INFO    callbridge: Twilio voice webhook: https://<your public host>/twilio-voice (set PUBLIC_URL to print it)"),
                startUp.stream().map(line -> line.substring("2026-01-01 00:00:00.000 ".length())).toList(),
                child.log());
        assertOnlyOwnLogLines(child);
    }

    // --- helpers ---

    /**
     * Everything the process printed is callbridge's own log: no SLF4J notices, no JDK "WARNING:" lines
     * (restricted methods, sun.misc.Unsafe), no stack traces, nothing on stdout.
     */
    private static void assertOnlyOwnLogLines(ServerProcess child) {
        assertEquals(List.of(), child.stdout(), "stdout");
        List<String> foreign = child.stderr().stream().filter(line -> !OWN_LOG_LINE.matcher(line).matches()).toList();
        assertEquals(List.of(), foreign, "lines that are not callbridge's log");
        assertFalse(child.logged(line -> line.contains("SLF4J") || line.contains("WARNING: A restricted method")), child.log());
    }

    private Map<String, String> environment(Duration grace) {
        Map<String, String> environment = ServerProcess.environmentFor(twilio, elevenLabs, API_KEY);
        environment.put("SHUTDOWN_GRACE", Long.toString(grace.toSeconds()));
        return environment;
    }

    private static HttpResponse<String> generate(int port, String query) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/generate?" + query))
                .header("X-API-KEY", API_KEY)
                .timeout(Duration.ofSeconds(120))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A /generate waiting for the call's first utterance. */
    private static CompletableFuture<HttpResponse<String>> waitForFirstUtterance(int port, String callSid) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return generate(port, "sid=" + callSid + "&first=true&timeout=120");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("/generate for " + callSid + " failed", e);
            }
        }, WAITERS);
    }

    /** Waits until a /generate holds the call, as {@code GET /calls} lists it. */
    private static void awaitHeld(int port, String callSid) throws Exception {
        Await.until("a /generate waits on " + callSid, WAIT, () -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/calls"))
                    .header("X-API-KEY", API_KEY).build();
            JsonNode calls = Json.MAPPER.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode call : calls.path("calls")) {
                if (call.path("call_sid").asText().equals(callSid)) {
                    return call.path("generating").asBoolean();
                }
            }
            return false;
        });
    }

    private static void report(String measurement) {
        System.out.println("[ShutdownProcessTest] " + measurement);
    }

    /** One HTTP/1.1 connection kept open across requests, as a load balancer's health checks use. */
    private static void assertHealth(int status, String health, KeptAlive.Answer answer) throws IOException {
        assertEquals(status, answer.status(), answer.body());
        JsonNode body = Json.MAPPER.readTree(answer.body());
        assertEquals(health, body.path("status").asText(), answer.body());
        assertTrue(body.path("timestamp").isIntegralNumber(), answer.body());
    }

    private static final class KeptAlive implements AutoCloseable {
        record Answer(int status, String body) {
        }

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private KeptAlive(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static KeptAlive open(int port) throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout((int) WAIT.toMillis());
            return new KeptAlive(socket);
        }

        Answer get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] statusLine = readLine().split(" ", 3);
            int length = 0;
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).strip());
                }
            }
            return new Answer(Integer.parseInt(statusLine[1]), new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed after: " + line);
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
