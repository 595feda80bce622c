package callbridge.deploy;

import callbridge.testing.FakeTwilioCall;

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

    /** Completes with the trace once both sides are done. */
    CompletableFuture<CallTrace> ended() {
        return CompletableFuture.allOf(caller, driver).thenApply(done -> trace);
    }
}
