package callbridge.deploy;

import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An instance killed outright (SIGKILL: a crash, the OOM killer): its calls are lost, the other instance's
 * go on untouched, and new calls that HAProxy would have sent to the dead instance are served by the other.
 * How soon is measured and printed (the bound asserted is a generous one): before its health checks find
 * the instance gone, HAProxy learns it from the refused connection and tries the other at once
 * ({@code option redispatch 1}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaproxyFailoverTest {
    /** Calls in progress on each instance at the kill. */
    private static final int CALLS_EACH = 3;
    /** Four turns, about 11 s: the calls outlast the kill by several turns. */
    private static final List<String> LONG_CALL = List.of(SpeechClips.HORARIO_APERTURA, SpeechClips.MANANA_NUEVE,
            SpeechClips.SI_GRACIAS, SpeechClips.HORARIO_APERTURA);
    /** A new call after the kill: one turn. */
    private static final List<String> NEW_CALL = List.of(SpeechClips.HORARIO_APERTURA);
    /** New calls placed the moment the instance dies, each bound for it. */
    private static final int NEW_CALLS_BOUND_FOR_THE_DEAD = 4;
    /** A bound that fails only a configuration that does not fail over at all: the figure itself is printed. */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    private Path directory;
    private Deployment deployment;
    /** Not waited for at the end: a lost call's driver may wait out its /generate, and is ended with the rest. */
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
        threads.shutdownNow();
    }

    @Test
    void sigkill_losesThatInstancesCallsOnly_andItsNewCallsAreServedByTheOther() throws Exception {
        deployment = Deployment.start(directory, Map.of());
        Instance victim = deployment.instance(Deployment.CB1);
        String survivor = Deployment.CB2;
        List<CallRun> inProgress = CallRun.untilEachInstanceHas(CALLS_EACH, deployment, LONG_CALL, threads);
        Await.until("every call past its first turn", WAIT, () -> inProgress.stream().allMatch(call -> call.trace().turnsDelivered() > 0));
        List<String> boundForTheDead = callSidsSentTo(victim.id());

        long killed = System.nanoTime();
        victim.kill();
        List<CallRun> newCalls = new ArrayList<>();
        for (String callSid : boundForTheDead) {
            newCalls.add(CallRun.start(deployment, new CallTrace(callSid, NEW_CALL), threads));
        }
        Duration markedDown = deployment.haproxy().awaitState(victim.id(), Haproxy.ServerState.DOWN, WAIT);
        newCalls.add(CallRun.start(deployment, NEW_CALL, threads)); // once HAProxy knows: any new call

        List<CallTrace> lost = new ArrayList<>();
        List<CallTrace> untouched = new ArrayList<>();
        for (CallRun call : inProgress) {
            boolean onTheVictim = call.trace().webhookInstance().orElseThrow().equals(victim.id());
            // A lost call's caller sees its stream drop at once; its driver may wait out a /generate.
            (onTheVictim ? lost : untouched).add((onTheVictim ? call.caller().thenApply(done -> call.trace()) : call.ended())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        for (CallRun call : newCalls) {
            call.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        Duration failover = Duration.ofNanos(newCalls.subList(0, boundForTheDead.size()).stream()
                .mapToLong(call -> call.trace().webhookAnswer().map(CallTrace.Answer::atNanos).orElse(Long.MAX_VALUE))
                .max().orElseThrow() - killed);
        System.out.printf("HAProxy failover, SIGKILL of %s: %d call(s) lost there, %d untouched on %s; the webhooks of %d new "
                        + "calls bound for it answered within %d ms of the kill (%d of %d new calls served whole); HAProxy marked "
                        + "it DOWN after %.1f s%n",
                victim.id(), lost.size(), untouched.size(), survivor, boundForTheDead.size(), failover.toMillis(),
                newCalls.stream().filter(call -> call.trace().servedWhole()).count(), newCalls.size(),
                markedDown.toMillis() / 1000.0);

        for (CallTrace trace : lost) {
            assertFalse(trace.servedWhole(), "a call on the killed instance cannot go on: " + trace);
            assertEquals(FakeTwilioCall.ABNORMAL_CLOSURE, trace.streamClosed().get(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "its stream dropped: " + trace);
        }
        for (CallTrace trace : untouched) {
            assertTrue(trace.servedWhole(), trace + deployment.logs());
            assertEquals(List.of(survivor), List.copyOf(trace.instances()), trace.toString());
        }
        for (CallRun call : newCalls) {
            assertTrue(call.trace().servedWhole(), call.trace() + deployment.logs());
            assertEquals(List.of(survivor), List.copyOf(call.trace().instances()), call.trace().toString());
        }
        assertTrue(failover.compareTo(FAILOVER_BOUND) < 0, "new calls served " + failover.toMillis() + " ms after the kill");
    }

    /**
     * CallSids of new calls that HAProxy sends to {@code instance}, found by asking for each one's record
     * ({@code GET /calls/{CallSid}}, answered 404 by the instance, which stores nothing in the stick table):
     * the consistent hash alone sends the call's webhook there too, while the instance is up.
     */
    private List<String> callSidsSentTo(String instance) throws Exception {
        List<String> callSids = new ArrayList<>();
        for (int tried = 0; callSids.size() < NEW_CALLS_BOUND_FOR_THE_DEAD; tried++) {
            assertTrue(tried < 20 * NEW_CALLS_BOUND_FOR_THE_DEAD, "HAProxy sends hardly any CallSid to " + instance);
            String callSid = FakeTwilioCall.newCallSid();
            HttpResponse<String> answer = Driver.get(deployment, "/calls/" + callSid);
            assertEquals(404, answer.statusCode(), answer.body());
            if (answer.headers().firstValue(Deployment.INSTANCE_HEADER).orElse("").equals(instance)) {
                callSids.add(callSid);
            }
        }
        return callSids;
    }
}
