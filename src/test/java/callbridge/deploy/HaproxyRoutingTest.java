package callbridge.deploy;

import callbridge.json.Json;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.SpeechClips;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twenty calls at once through HAProxy: every request of a call (the webhook, the media stream, each
 * {@code /generate}, {@code /calls/{CallSid}}) reaches one instance, the one whose process accepted the
 * stream, and both instances take calls; and a long poll outlasts the configuration's short
 * {@code timeout server}. The calls are inbound: a driver per instance asks that
 * instance by name for the next call ({@code /calls/next}), as README.md says to, and drives each call it is
 * handed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaproxyRoutingTest {
    private static final int CALLS = 20;
    /** What the far end says in each call: three turns of about 2.5 s. */
    private static final List<String> CLIPS = List.of(SpeechClips.HORARIO_APERTURA, SpeechClips.MANANA_NUEVE,
            SpeechClips.SI_GRACIAS);
    /** A /calls/next wait: short, so that a driver stops asking soon after the last call is handed out. */
    private static final int NEXT_TIMEOUT_SECONDS = 2;
    /** Longer than the configuration's {@code timeout server}, 10 s, which the long polls override. */
    private static final int LONG_POLL_SECONDS = 15;

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
    void twentyCalls_everyRequestOfACall_reachesTheInstanceThatHasIt_andBothInstancesTakeCalls() throws Exception {
        deployment = Deployment.start(directory, Map.of());
        Map<String, CallTrace> traces = new ConcurrentHashMap<>();
        for (int i = 0; i < CALLS; i++) {
            String callSid = FakeTwilioCall.newCallSid();
            traces.put(callSid, new CallTrace(callSid, CLIPS));
        }
        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        // A long poll longer than the configuration's "timeout server" (10 s): its own 20 minutes apply.
        CompletableFuture<HttpResponse<String>> longPoll = CompletableFuture.supplyAsync(() -> {
            try {
                return Driver.get(deployment, "/generate?sid=" + FakeTwilioCall.newCallSid() + "&timeout=" + LONG_POLL_SECONDS);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        long started = System.nanoTime();
        List<Future<?>> pollers = new ArrayList<>();
        try (ExecutorService drivers = Executors.newVirtualThreadPerTaskExecutor()) {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                AtomicInteger claimed = new AtomicInteger();
                for (Instance instance : deployment.instances()) {
                    pollers.add(threads.submit(() -> {
                        driveCallsOf(instance.id(), traces, claimedBy, claimed, drivers);
                        return null;
                    }));
                }
                traces.values().forEach(trace -> threads.submit(new Caller(deployment, trace)));
            } // waits for every caller, and for both instances' calls to be handed out
        } // waits for every driver
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        for (Future<?> poller : pollers) {
            poller.get(); // its own failure (a call handed out by the wrong instance), with its message
        }
        for (CallTrace trace : traces.values()) {
            Driver.record(deployment, trace);
        }

        Map<String, Long> split = traces.values().stream().collect(Collectors.groupingBy(
                trace -> trace.webhookInstance().orElse("(none)"), Collectors.counting()));
        System.out.printf("HAProxy routing: %d calls of %d turns in %.1f s, split %s%n", CALLS, CLIPS.size(),
                took.toMillis() / 1000.0, split);
        for (CallTrace trace : traces.values()) {
            assertTrue(trace.servedWhole(), trace + deployment.logs());
            assertEquals(1, trace.instances().size(), "every answer from one instance: " + trace);
            String instance = trace.instances().iterator().next();
            assertEquals(instance, claimedBy.get(trace.callSid()), "handed out by the instance that has it: " + trace);
            assertTrue(deployment.instance(instance).startedStream(trace.callSid()), "the stream went there too: " + trace);
            deployment.instances().stream().filter(other -> !other.id().equals(instance)).forEach(other ->
                    assertFalse(other.startedStream(trace.callSid()), "no stream to " + other.id() + ": " + trace));
        }
        HttpResponse<String> waited = longPoll.get(LONG_POLL_SECONDS + 30, TimeUnit.SECONDS);
        assertEquals(204, waited.statusCode(), "a /generate waiting " + LONG_POLL_SECONDS + " s for a call that never comes: "
                + waited.statusCode() + " " + waited.body());
        assertEquals(Map.of(Deployment.CB1, true, Deployment.CB2, true), Map.of(
                Deployment.CB1, split.getOrDefault(Deployment.CB1, 0L) > 0, Deployment.CB2, split.getOrDefault(Deployment.CB2, 0L) > 0),
                "both instances take calls: " + split);
    }

    /**
     * One driver of inbound calls, asking the instance {@code id} by name for the next call until all are
     * handed out, and driving each on a thread of its own.
     */
    private void driveCallsOf(String id, Map<String, CallTrace> traces, Map<String, String> claimedBy, AtomicInteger claimed,
                              ExecutorService threads) throws Exception {
        while (claimed.get() < CALLS) {
            HttpResponse<String> next = Driver.get(deployment, "/calls/next?timeout=" + NEXT_TIMEOUT_SECONDS,
                    Deployment.INSTANCE_HEADER, id);
            if (next.statusCode() == 204) {
                continue;
            }
            assertEquals(200, next.statusCode(), next.body());
            JsonNode call = Json.MAPPER.readTree(next.body());
            CallTrace trace = traces.get(call.path("call_sid").asText());
            assertTrue(trace != null, "a call this test did not place: " + next.body());
            trace.answered("GET /calls/next", next);
            String answeredBy = next.headers().firstValue(Deployment.INSTANCE_HEADER).orElse("(none)");
            assertEquals(id, answeredBy, "the instance named in the request answers it");
            claimedBy.put(trace.callSid(), answeredBy);
            claimed.incrementAndGet();
            threads.submit(new Driver(deployment, trace));
        }
    }
}
