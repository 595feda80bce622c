package callbridge.call;

import callbridge.time.Retry;
import callbridge.time.Sleeper;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Completes ended calls at Twilio, each on a thread of its own so that no call waits for another's
 * request, retrying failures that may pass. Shutdown waits for the completions still under way.
 */
public final class CallCompletion {
    /** Tries in all, and the pause before the second (doubling after). */
    static final Retry.Policy RETRIES = new Retry.Policy(3, Duration.ofMillis(500));
    private static final System.Logger LOG = System.getLogger(CallCompletion.class.getName());

    private final Optional<CallControl> callControl;
    private final Sleeper sleeper;
    private final Set<CompletableFuture<Void>> underWay = ConcurrentHashMap.newKeySet();

    /** @param callControl empty when Twilio credentials are missing: calls are then not completed at Twilio */
    public CallCompletion(Optional<CallControl> callControl, Sleeper sleeper) {
        this.callControl = callControl;
        this.sleeper = sleeper;
    }

    /** Starts completing the call; returns at once. */
    public void complete(String callSid) {
        if (callControl.isEmpty()) {
            LOG.log(Level.WARNING, "call {0}: not completed at Twilio: its credentials are incomplete (the start-up warning names what is missing)", callSid);
            return;
        }
        CompletableFuture<Void> completion = new CompletableFuture<>();
        underWay.add(completion);
        Thread.ofVirtual().name("complete " + callSid).start(() -> {
            try {
                completeWithRetries(callControl.get(), callSid);
            } finally {
                // Counted out before it is done, so whoever waited for it finds it no longer under way.
                underWay.remove(completion);
                completion.complete(null);
            }
        });
    }

    /** Calls that have ended and are still being completed (a request or a pause before a retry under way). */
    public int underWay() {
        return underWay.size();
    }

    /** Waits for the completions under way; false if some were still running at the timeout. */
    public boolean awaitAll(Duration timeout) throws InterruptedException {
        try {
            CompletableFuture.allOf(underWay.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("completions handle their own failures", e);
        }
    }

    private void completeWithRetries(CallControl control, String callSid) {
        try {
            Retry.run(RETRIES, sleeper, () -> {
                control.complete(callSid);
                return null;
            }, CallControlException::retryable, (failure, pause) -> LOG.log(Level.INFO,
                    "call {0}: completing failed ({1}), trying again in {2} ms", callSid, failure.getMessage(), pause.toMillis()));
            LOG.log(Level.INFO, "call {0}: completed at Twilio", callSid);
        } catch (CallControlException e) {
            LOG.log(Level.ERROR, "call {0}: could not be completed at Twilio: {1}", callSid, e.getMessage());
        } catch (InterruptedException e) {
            LOG.log(Level.ERROR, "call {0}: completion at Twilio abandoned (interrupted)", callSid);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "call " + callSid + ": completing at Twilio failed unexpectedly", e);
        }
    }
}
