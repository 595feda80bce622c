package callbridge.deploy;

import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * One call through the load balancer whose CallSid its driver knows from the start, as for a call the
 * driver placed itself: Twilio's side ({@link Caller}) and the driver ({@link Driver}) start together, so the
 * driver's first {@code /generate} may come before the webhook, as it may in production.
 *
 * @param caller completes once Twilio's side is done: the caller hung up, or the stream ended under it
 * @param driver completes once the driver is done: the call ended, or a request failed
 */
record CallRun(CallTrace trace, CompletableFuture<Void> caller, CompletableFuture<Void> driver) {
    /** Starts a new call in which the far end says {@code clips}, on {@code threads}. */
    static CallRun start(Deployment deployment, List<String> clips, ExecutorService threads) {
        return start(deployment, new CallTrace(FakeTwilioCall.newCallSid(), clips), threads);
    }

    static CallRun start(Deployment deployment, CallTrace trace, ExecutorService threads) {
        return new CallRun(trace, CompletableFuture.runAsync(new Caller(deployment, trace), threads),
                CompletableFuture.runAsync(new Driver(deployment, trace), threads));
    }

    /**
     * New calls, one after another as each one's webhook is answered, until every instance has
     * {@code each} of them (the hash decides where each goes); fails if a call fails, or if the hash sends
     * nearly all of them to one instance.
     */
    static List<CallRun> untilEachInstanceHas(int each, Deployment deployment, List<String> clips, ExecutorService threads)
            throws Exception {
        List<CallRun> calls = new ArrayList<>();
        while (deployment.instances().stream().anyMatch(instance -> on(calls, instance.id()) < each)) {
            if (calls.size() >= 6 * each) {
                throw new AssertionError("the hash sends nearly every call to one instance: " + calls + deployment.logs());
            }
            CallRun call = start(deployment, clips, threads);
            calls.add(call);
            Await.until("the webhook of " + call.trace().callSid() + " answered", Duration.ofSeconds(30),
                    () -> call.trace().webhookAnswer().isPresent() || !call.trace().problems().isEmpty());
            if (!call.trace().problems().isEmpty() || call.trace().webhookAnswer().orElseThrow().status() != 200) {
                throw new AssertionError("a call failed: " + call.trace() + deployment.logs());
            }
        }
        return calls;
    }

    /** The calls whose webhook {@code instance} answered. */
    static long on(List<CallRun> calls, String instance) {
        return calls.stream().filter(call -> call.trace().webhookInstance().orElse("").equals(instance)).count();
    }

    /** Completes with the trace once both sides are done. */
    CompletableFuture<CallTrace> ended() {
        return CompletableFuture.allOf(caller, driver).thenApply(done -> trace);
    }
}
