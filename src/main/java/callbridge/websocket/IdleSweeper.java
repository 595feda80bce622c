package callbridge.websocket;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes WebSocket connections that receive no data message for their idle timeout, all from one thread
 * that looks at each connection's time of last data a few times per timeout.
 *
 * <p>Why not a timer per connection, re-armed as data comes (as a socket read timeout was, when each
 * connection had a thread blocked in a read): for a media stream that is every 20 ms frame of every call.
 * Here a frame costs one {@link System#nanoTime()} and one volatile write; a connection is closed at most
 * a quarter of its timeout late.
 */
final class IdleSweeper {
    /** Looked at this often at least, however long the timeouts. */
    private static final Duration MAX_PERIOD = Duration.ofMillis(250);

    private final Set<WebSocketConnection> watched = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    IdleSweeper() {
        this.thread = Thread.ofVirtual().name("websocket idle sweeper").start(this::sweepUntilStopped);
    }

    /** Ends the sweeping thread, soon. */
    void stop() {
        thread.interrupt();
    }

    /** Waits up to {@code patience} for the thread to end. */
    void awaitStopped(Duration patience) throws InterruptedException {
        thread.join(patience);
    }

    void watch(WebSocketConnection connection) {
        watched.add(connection);
    }

    void forget(WebSocketConnection connection) {
        watched.remove(connection);
    }

    private void sweepUntilStopped() {
        while (true) {
            long now = System.nanoTime();
            long period = MAX_PERIOD.toNanos();
            for (WebSocketConnection connection : watched) {
                try {
                    connection.closeIfIdle(now);
                } catch (RuntimeException e) {
                    // One connection's failure must not stop the sweeper every other connection relies on.
                    System.getLogger(IdleSweeper.class.getName()).log(System.Logger.Level.ERROR,
                            connection + ": idle check failed", e);
                }
                period = Math.min(period, connection.idleTimeoutNanos() / 4);
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.max(period, 1_000_000)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
