package callbridge.call;

/**
 * Watches the calls without taking part in them: hears of each call as it starts, and gives the
 * {@link CallListener} that the call then reports to. The composition root registers one in the
 * {@link CallSetup} (the calls' records); the call domain knows nothing else of it.
 */
@FunctionalInterface
public interface CallObserver {
    /**
     * A call has started. Called on the thread that starts it, a selector thread that many calls share: it
     * must return at once, never waiting for a disk or a lock held for long.
     */
    CallListener callStarted(CallStart call);
}
