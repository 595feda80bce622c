package callbridge.call;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock and the one condition that waiters on the state it guards wait on: every change wakes every
 * waiter to look again, and a waiter whose client has gone away ({@code abandoned}) is woken at once. The
 * shape the call's waits share ({@link UtteranceQueue}, {@link FarEndSpeech}, {@link UnclaimedCalls}),
 * written once; what each waits for, and until when, stays with it.
 */
final class Changes {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Makes {@code change} under the lock, then wakes every waiter to look again. */
    void change(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: the caller changed the state, and every waiter looks again. */
    void signalAll() {
        changed.signalAll();
    }

    /** Wakes every waiter once {@code abandoned} completes, so that a wait for a client that has left ends then. */
    void wakeWhen(CompletableFuture<?> abandoned) {
        abandoned.thenRun(() -> change(() -> {
        }));
    }

    /** With the lock held: waits for a change, up to {@code nanos}; returns what is left of them, as {@link Condition#awaitNanos}. */
    long awaitNanos(long nanos) throws InterruptedException {
        return changed.awaitNanos(nanos);
    }
}
