package callbridge.call;

import callbridge.time.Sleeper;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Ends calls that have been idle past their talk timeout (see {@link CallSession#isIdle}): a thread that
 * looks at every live call a few times a second. Ending a call never blocks (its stream closes on a
 * thread of its own), so one call whose peer stopped reading delays no other call's timeout.
 */
public final class TalkTimeoutWatchdog implements AutoCloseable {
    /** How often idle calls are looked for; talk timeouts are whole seconds, so this is precise enough. */
    static final Duration PERIOD = Duration.ofMillis(250);
    private static final System.Logger LOG = System.getLogger(TalkTimeoutWatchdog.class.getName());

    private final CallRegistry calls;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Thread thread;

    private TalkTimeoutWatchdog(CallRegistry calls, Clock clock, Sleeper sleeper) {
        this.calls = calls;
        this.clock = clock;
        this.sleeper = sleeper;
        this.thread = Thread.ofVirtual().name("talk-timeout watchdog").unstarted(this::watch);
    }

    public static TalkTimeoutWatchdog start(CallRegistry calls, Clock clock, Sleeper sleeper) {
        TalkTimeoutWatchdog watchdog = new TalkTimeoutWatchdog(calls, clock, sleeper);
        watchdog.thread.start();
        return watchdog;
    }

    @Override
    public void close() {
        thread.interrupt();
    }

    private void watch() {
        while (true) {
            try {
                sleeper.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
            endIdleCalls(clock.instant());
        }
    }

    private void endIdleCalls(Instant now) {
        for (CallSession session : calls.liveSessions()) {
            try {
                if (session.isIdle(now)) {
                    LOG.log(Level.INFO, "call {0}: no speech and no /generate for {1} s", session.callSid(),
                            session.talkTimeout().toSeconds());
                    calls.end(session, CallEnd.talkTimeout(session.talkTimeout()));
                }
            } catch (RuntimeException e) {
                // One call's failure must not stop the watchdog, which every other call relies on.
                LOG.log(Level.ERROR, "call " + session.callSid() + ": ending it after its talk timeout failed", e);
            }
        }
    }
}
