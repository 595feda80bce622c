package callbridge.deploy;

import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md's rolling restart, step by step, with calls running and new ones coming in all along: SIGTERM
 * one instance (it drains: {@code DRAIN_TIMEOUT}), see HAProxy mark it draining, wait for it to exit on its
 * own, start it again on the same port, wait for HAProxy to mark it up; then the other. No call is cut (each
 * ends with its caller hanging up, says {@code /generate} and says its record), no turn is lost, every call
 * placed meanwhile is served, and each of a call's requests reaches one instance throughout.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HaproxyRollingRestartTest {
    /** Far longer than any call here: a drain that ends by its timeout, not by its last call, fails the test. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** Calls in progress on each instance when the restart begins. */
    private static final int CALLS_EACH = 4;
    /** Four turns, about 11 s: the calls in progress when the first instance is stopped outlast its SIGTERM by 8 s. */
    private static final List<String> LONG_CALL = List.of(SpeechClips.HORARIO_APERTURA, SpeechClips.MANANA_NUEVE,
            SpeechClips.SI_GRACIAS, SpeechClips.HORARIO_APERTURA);
    /**
     * Three turns, about 8 s: a new call placed during the restart. One comes as the last has been heard
     * once, so an instance stopped has calls with 5 s or more to go: HAProxy, checking every 2 s, sees it drain.
     */
    private static final List<String> NEW_CALL = List.of(SpeechClips.MANANA_NUEVE, SpeechClips.HORARIO_APERTURA,
            SpeechClips.SI_GRACIAS);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One instance's restart, as measured. */
    private record Restart(String instance, long callsThere, Duration seenDraining, Duration drained, Duration upAgain) {
    }

    @TempDir
    private Path directory;
    private Deployment deployment;

    @AfterEach
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    void rollingRestart_cutsNoCall_losesNoTurn_andServesEveryCallPlacedMeanwhile() throws Exception {
        deployment = Deployment.start(directory, Map.of("DRAIN_TIMEOUT", Long.toString(DRAIN_TIMEOUT.toSeconds())));
        List<CallRun> calls = new CopyOnWriteArrayList<>();
        List<Restart> restarts = new ArrayList<>();
        AtomicBoolean restarting = new AtomicBoolean(true);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CallRun> first = CallRun.untilEachInstanceHas(CALLS_EACH, deployment, LONG_CALL, threads);
            calls.addAll(first);
            Await.until("every call past its first turn", WAIT, () -> first.stream().allMatch(call -> call.trace().turnsDelivered() > 0));
            Future<?> newCalls = threads.submit(() -> {
                placeNewCallsWhile(restarting, calls, threads);
                return null;
            });
            for (Instance instance : deployment.instances()) {
                restarts.add(restart(instance, calls));
            }
            restarting.set(false);
            newCalls.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } // waits for every call to end

        List<CallTrace> traces = new ArrayList<>();
        for (CallRun call : calls) {
            traces.add(call.ended().get());
        }
        int turnsSaid = traces.stream().mapToInt(trace -> trace.clips().size()).sum();
        int turnsDelivered = traces.stream().mapToInt(CallTrace::turnsDelivered).sum();
        long placedDuringRestart = traces.stream().filter(trace -> trace.clips().equals(NEW_CALL)).count();
        System.out.printf("HAProxy rolling restart: %d calls (%d placed during the restart), %d of %d turns delivered%n",
                traces.size(), placedDuringRestart, turnsDelivered, turnsSaid);
        restarts.forEach(restart -> System.out.printf(
                "  %s: %d call(s) there at SIGTERM; HAProxy saw it draining after %.1f s; drained and exited after %.1f s; up again %.1f s after its restart%n",
                restart.instance(), restart.callsThere(), seconds(restart.seenDraining()), seconds(restart.drained()),
                seconds(restart.upAgain())));

        for (CallTrace trace : traces) {
            assertTrue(trace.servedWhole(), trace + deployment.logs());
            assertEquals(1, trace.instances().size(), "every answer from one instance: " + trace);
            String instance = trace.instances().iterator().next();
            assertTrue(deployment.instance(instance).startedStream(trace.callSid()), "the stream went there too: " + trace);
            JsonNode record = Driver.record(deployment, trace); // read back after the restarts, from RECORDS_DIR
            assertEquals("hung up", record.path("end").path("reason").asText(), record.toString());
            assertEquals(1, deployment.twilio().updatesFor(trace.callSid()).size(), "completed at Twilio once: " + trace);
        }
        assertEquals(turnsSaid, turnsDelivered);
        for (Restart restart : restarts) {
            assertTrue(restart.callsThere() > 0, "a restart with calls to keep: " + restarts);
            assertTrue(restart.drained().compareTo(DRAIN_TIMEOUT) < 0, "drained by its calls ending, not by its timeout: " + restarts);
        }
        assertTrue(placedDuringRestart > 0, "calls placed during the restart");
    }

    /** A new call each time the last new call has been heard once (its first turn delivered): about one every 2.5 s. */
    private void placeNewCallsWhile(AtomicBoolean restarting, List<CallRun> calls,
                                    ExecutorService threads) throws Exception {
        while (restarting.get()) {
            CallTrace trace = new CallTrace(FakeTwilioCall.newCallSid(), NEW_CALL);
            calls.add(CallRun.start(deployment, trace, threads));
            Await.until("a new call heard once", WAIT, () -> trace.turnsDelivered() > 0 || !trace.problems().isEmpty());
        }
    }

    /** README.md's steps for one instance. */
    private Restart restart(Instance instance, List<CallRun> calls) throws Exception {
        long callsThere = calls.stream().filter(call -> !call.ended().isDone()
                && call.trace().webhookInstance().orElse("").equals(instance.id())).count();
        long signalled = System.nanoTime();
        instance.sigterm();
        Duration seenDraining = deployment.haproxy().awaitState(instance.id(), Haproxy.ServerState.DRAINING, WAIT);
        assertEquals(0, instance.awaitExit(DRAIN_TIMEOUT.plus(WAIT)), instance.log());
        Duration drained = Duration.ofNanos(System.nanoTime() - signalled);
        instance.start();
        Duration upAgain = deployment.haproxy().awaitState(instance.id(), Haproxy.ServerState.UP, WAIT);
        return new Restart(instance.id(), callsThere, seenDraining, drained, upAgain);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
