package callbridge.server;

import callbridge.testing.Await;
import callbridge.testing.StandaloneServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The finding: after any long poll ({@code /generate}, {@code /calls/next}) whose client left, shutdown
 * waited its whole grace (10.3 s instead of 0.4 s). Such a handler gives up without answering, and the JDK
 * server counts an exchange as over only once it has answered, so {@code HttpServer.stop(delay)} waited
 * all of {@code delay} for it. Shutdown now waits for handlers that are still running, and only for those.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownWithDepartedClientsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void longPollsWhoseClientsLeft_doNotHoldTheShutdown() throws Exception {
        RelayDepartures departures = new RelayDepartures();
        GiveUpWhenClientLeaves longPoll = new GiveUpWhenClientLeaves(departures, 5);
        StandaloneServer server = StandaloneServer.start(Map.of("/test/long-poll", longPoll), Map.of(), StandaloneServer.limits(10, Duration.ofSeconds(5)), departures);
        try {
            for (int i = 0; i < 5; i++) {
                try (RawHttp raw = RawHttp.connect(server.port())) {
                    raw.send("GET /test/long-poll HTTP/1.1\r\nHost: test\r\n\r\n");
                    Await.until("the long poll began", WAIT, () -> longPoll.began.get() > 0);
                    longPoll.began.set(0);
                } // the client leaves
            }
            assertTrue(longPoll.gaveUp.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the handlers never heard their clients left");
            long start = System.nanoTime();
            server.close(PATIENCE);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("[ShutdownWithDepartedClientsTest] 5 long polls whose clients left, patience %d s: closed in %d ms%n",
                    PATIENCE.toSeconds(), took.toMillis());
            assertTrue(took.compareTo(PATIENCE.dividedBy(2)) < 0, "close waited " + took.toMillis() + " ms");
        } finally {
            server.close();
        }
    }

    /** As {@code /generate} does when its client leaves: returns without an answer. */
    private static final class GiveUpWhenClientLeaves implements HttpHandler {
        final java.util.concurrent.atomic.AtomicInteger began = new java.util.concurrent.atomic.AtomicInteger();
        final CountDownLatch gaveUp;
        private final RelayDepartures departures;

        GiveUpWhenClientLeaves(RelayDepartures departures, int count) {
            this.departures = departures;
            this.gaveUp = new CountDownLatch(count);
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            CompletableFuture<Void> departure = departures.departure(exchange.getRemoteAddress());
            began.incrementAndGet();
            try {
                departure.get(1, TimeUnit.MINUTES);
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            gaveUp.countDown(); // nobody to answer: the exchange closes unanswered
        }
    }
}
