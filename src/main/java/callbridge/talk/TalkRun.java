package callbridge.talk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * Runs the planned conversations, up to {@code parallel} at once, each on its own virtual thread with its
 * own call, so one that fails never stops another. The first stop request (SIGINT/SIGTERM) interrupts
 * them all: each completes its call and ends its user side before its thread returns, and those still
 * waiting for a slot are not dialled at all.
 */
final class TalkRun {
    private TalkRun() {
    }

    static List<ConversationLog> run(List<UserSides.Plan> plans, int parallel, AgentCall.Setup setup,
                                     CountDownLatch stopRequested) throws InterruptedException {
        Semaphore slots = new Semaphore(parallel);
        List<ConversationLog> logs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int index = 0; index < plans.size(); index++) {
            UserSides.Plan plan = plans.get(index);
            AgentCall call = new AgentCall(setup, plan.label(), setup.pace().randomFor(index));
            logs.add(call.log());
            threads.add(Thread.ofVirtual().name("talk " + plan.label()).start(() -> runInSlot(slots, call, plan, setup)));
        }
        Thread stopper = Thread.ofVirtual().name("talk stop").start(() -> {
            try {
                stopRequested.await();
                threads.forEach(Thread::interrupt);
            } catch (InterruptedException e) {
                // every conversation ended first: nothing to stop
            }
        });
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            stopper.interrupt();
        }
        return logs;
    }

    private static void runInSlot(Semaphore slots, AgentCall call, UserSides.Plan plan, AgentCall.Setup setup) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            call.log().end(new Ending(Ending.Outcome.INTERRUPTED, "stopped before its call was placed"),
                    setup.clock().instant());
            return;
        }
        try {
            call.run(plan.user().get());
        } finally {
            slots.release();
        }
    }
}
