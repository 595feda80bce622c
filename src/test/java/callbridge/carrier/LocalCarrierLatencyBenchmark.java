package callbridge.carrier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The latency the local carrier adds, per direction: from a frame being ready (arrived whole, its 20 ms slot
 * come) to its send to the other party returning ({@link LocalCall.FrameListener}). {@code calls} calls at
 * once (50 by default, the target), both parties of each speaking a 20 ms frame every 20 ms, as a
 * live line does, for {@code seconds} after a {@link #WARM_UP}. The parties are {@link StandInParty}s in the
 * same process that read nothing but {@code start}, so what is measured is the carrier, on a machine it
 * shares with them.
 *
 * <p>Run: {@code ./run.sh bench -Dtest=LocalCarrierLatencyBenchmark} ({@code -Dcarrier.calls=50
 * -Dcarrier.seconds=10}).
 */
@Tag("benchmark")
class LocalCarrierLatencyBenchmark {
    private static final int CALLS = Integer.getInteger("carrier.calls", 50);
    private static final int SECONDS = Integer.getInteger("carrier.seconds", 10);
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final long FRAME_NANOS = Duration.ofMillis(20).toNanos();

    /** Delays in nanoseconds, one array a direction, filled while {@link #measuring}. */
    private static final class Delays implements LocalCall.FrameListener {
        private final long[][] delays = new long[2][CALLS * (SECONDS + 5) * 50];
        private final AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger()};
        volatile boolean measuring;

        @Override
        public void handedOn(boolean toCaller, long delayNanos) {
            if (!measuring) {
                return;
            }
            int direction = toCaller ? 0 : 1;
            int index = counts[direction].getAndIncrement();
            if (index < delays[direction].length) {
                delays[direction][index] = delayNanos;
            }
        }

        long[] sorted(boolean toCaller) {
            int direction = toCaller ? 0 : 1;
            long[] taken = Arrays.copyOf(delays[direction], Math.min(counts[direction].get(), delays[direction].length));
            Arrays.sort(taken);
            return taken;
        }
    }

    @Test
    void addedLatencyPerDirection() throws Exception {
        Delays delays = new Delays();
        try (StandInParty agent = StandInParty.connectingQuietly(LocalCarrierLatencyBenchmark::speak);
             StandInParty callbridge = StandInParty.connectingQuietly(LocalCarrierLatencyBenchmark::speak)) {
            LocalCarrier carrier = LocalCarrier.to(agent.webhook(), Optional.empty(), HttpClient.newHttpClient()).measuredBy(delays);
            List<String> sids = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                sids.add(carrier.place("+34900000002", "+34600000001", callbridge.webhook(), false));
            }
            Thread.sleep(WARM_UP); // real time is what is measured: the calls run, the JIT warms
            delays.measuring = true;
            Thread.sleep(Duration.ofSeconds(SECONDS));
            delays.measuring = false;
            for (String sid : sids) {
                assertTrue(carrier.endedBecause(sid).isEmpty(), "call " + sid + " ended: " + carrier.endedBecause(sid));
            }
            carrier.endAll("the benchmark is over");
            carrier.awaitAllEnded(Duration.ofSeconds(10));
        }
        report("agent -> callbridge", delays.sorted(true));
        report("callbridge -> agent", delays.sorted(false));
    }

    private static void report(String direction, long[] sorted) {
        assertTrue(sorted.length > CALLS * SECONDS * 40, direction + ": only " + sorted.length + " frames measured");
        System.out.printf("BENCH local carrier, %d calls, %s: %d frames; added latency p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                CALLS, direction, sorted.length, millis(sorted[sorted.length / 2]),
                millis(sorted[(int) (sorted.length * 0.99)]), millis(sorted[sorted.length - 1]));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** A 20 ms frame of speech every 20 ms, as a live line sends, until the call ends. */
    private static void speak(callbridge.websocket.WebSocketConnection connection, String streamSid, int call) throws IOException {
        byte[] tone = new byte[160];
        Arrays.fill(tone, (byte) 0x10);
        String frame = "{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"payload\":\""
                + Base64.getEncoder().encodeToString(tone) + "\"}}";
        long start = System.nanoTime();
        try {
            for (long i = 0; connection.isOpen(); i++) {
                long wait = start + i * FRAME_NANOS - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait)); // real-time pacing: the one honest sleep
                }
                connection.sendText(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
