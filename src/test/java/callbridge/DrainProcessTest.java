package callbridge;

import callbridge.testing.Await;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.ServerProcess;
import callbridge.testing.TwilioDialer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SIGTERM with {@code DRAIN_TIMEOUT} set, as a deploy sends it: callbridge as a child process, pointed at
 * the stand-ins in this JVM. The process keeps its port and its calls, tells the load balancer to send no
 * new ones, and exits on its own once the last has ended; signalled again, it ends them at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainProcessTest {
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String API_KEY = "drain-test-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path workDir;
    private FakeElevenLabs elevenLabs;
    private FakeTwilioRest twilio;
    private ServerProcess child;
    private final List<FakeTwilioCall> calls = new ArrayList<>();

    @BeforeEach
    void startStandIns() throws IOException {
        elevenLabs = FakeElevenLabs.start(pcm -> "", text -> new byte[160]);
        twilio = FakeTwilioRest.start();
    }

    @AfterEach
    void stopEverything() {
        if (child != null) {
            child.close();
        }
        calls.forEach(FakeTwilioCall::abortWithoutClose);
        twilio.close();
        elevenLabs.close();
    }

    @Test
    void sigterm_drains_servingItsCallsAndNewConnections_thenExitsZeroOnceTheLastCallHasEnded() throws Exception {
        int port = start();
        FakeTwilioCall first = call(port);
        FakeTwilioCall second = call(port);

        child.sigterm();
        child.awaitLine(line -> line.contains("draining: 2 call(s) here"), WAIT);
        assertEquals(404, get(port, "/health").statusCode(), "no new calls, asked on a new connection");
        assertEquals(200, get(port, "/health/live").statusCode());
        assertEquals(200, get(port, "/calls/" + first.callSid()).statusCode(), "its calls still served");
        assertTrue(get(port, "/metrics").body().contains("callbridge_draining 1"));

        first.stop();
        child.awaitLine(line -> line.contains("draining: 1 call(s) left"), WAIT);
        assertTrue(child.isAlive(), "one call is still here: " + child.log());
        assertFalse(second.closed().isDone(), "the other call goes on");

        second.stop();
        assertEquals(0, child.awaitExit(WAIT), child.log());
        assertTrue(child.logged(line -> line.contains("drained in")), child.log());
        assertEquals(1, twilio.updatesFor(first.callSid()).size(), "completed once");
        assertEquals(1, twilio.updatesFor(second.callSid()).size(), "completed once");
    }

    @Test
    void secondSignal_endsTheCallsNow_andExitsZero_aThirdExitsAtOnce() throws Exception {
        int port = start();
        FakeTwilioCall call = call(port);
        child.sigterm();
        child.awaitLine(line -> line.contains("draining: 1 call(s) here"), WAIT);

        twilio.script(call.callSid(), new FakeTwilioRest.Hang()); // the completion hangs: the shutdown waits for it
        child.sigterm();
        assertEquals(1001, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS), "ended as a shutdown ends it");
        twilio.awaitUpdates(1, WAIT);
        child.awaitLine(line -> line.contains("SIGTERM again: ending every call now"), WAIT);

        child.sigterm();
        assertEquals(128 + 15, child.awaitExit(WAIT), child.log());
        assertTrue(child.logged(line -> line.contains("SIGTERM again: exiting now")), child.log());
    }

    @Test
    void drainTimeout_endsWhatIsLeft_asAShutdownDoes() throws Exception {
        int port = start("1");
        FakeTwilioCall call = call(port);
        child.sigterm();
        assertEquals(1001, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, child.awaitExit(WAIT), child.log());
        assertTrue(child.logged(line -> line.contains("drain timeout: 1 call(s) still here after 1 s")), child.log());
        assertEquals(1, twilio.updatesFor(call.callSid()).size());
    }

    private int start() throws Exception {
        return start("60");
    }

    private int start(String drainSeconds) throws Exception {
        Map<String, String> environment = ServerProcess.environmentFor(twilio, elevenLabs, API_KEY);
        environment.put("DRAIN_TIMEOUT", drainSeconds);
        environment.put("TALK_TIMEOUT", "3600");
        environment.put("SHUTDOWN_GRACE", "30");
        child = ServerProcess.start(workDir, environment);
        return child.awaitPort(STARTUP);
    }

    /** A call that is live on the server when this returns. */
    private FakeTwilioCall call(int port) throws Exception {
        FakeTwilioCall call = TwilioDialer.loopback(port).call();
        calls.add(call);
        Await.until("call " + call.callSid() + " live", WAIT,
                () -> get(port, "/calls").body().contains(call.callSid()));
        return call;
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-KEY", API_KEY).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
