package callbridge.emulate;

import callbridge.testing.SpeechClips;
import callbridge.twilio.CallIds;
import callbridge.websocket.ClientConnection;
import callbridge.websocket.Handshake;
import callbridge.websocket.WebSocketClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What the generator's per-frame send path costs on the pacer's thread: {@link EmulatedCall#tick} over
 * {@value #FRAMES} frames of a call saying a clip every 8 s, through a real {@link ClientConnection} to a
 * loopback socket whose far end only drains (no server, so the figures are the generator's own). Prints
 * the bytes the thread allocated per frame ({@code ThreadMXBean.getThreadAllocatedBytes}, which counts
 * every allocation, so a garbage-free path reads 0) and its CPU per frame, the write system call included;
 * median of {@value #RUNS} runs after a warm-up.
 * (It sits in this package to reach the package-private call.)
 *
 * <p>Run: {@code ./run.sh bench -Dtest=MediaSendBenchmark}
 */
@Tag("benchmark")
class MediaSendBenchmark {
    private static final int FRAMES = 20_000;
    private static final int RUNS = 11;

    @Test
    void tick_allocationAndCpuPerFrame() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        CallAudio audio = CallAudio.of(SpeechClips.load(SpeechClips.RESERVAR_MESA), Optional.of(Duration.ofSeconds(8)));
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> acceptAndDrain(listener));
            ClientConnection connection = WebSocketClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort()), "localhost", "/media", Map.of(), Duration.ofSeconds(5));
            EmulatedCall call = new EmulatedCall(CallIds.random(new SplittableRandom(1), "AC" + "0".repeat(32)), connection,
                    audio, Optional.empty(), Optional.empty(), System.nanoTime(), 1, new LatencyHistogram(1_000_000, 10));
            for (int warmUp = 0; warmUp < 5; warmUp++) {
                tick(call);
            }
            double[] bytesPerFrame = new double[RUNS];
            double[] cpuNanosPerFrame = new double[RUNS];
            for (int run = 0; run < RUNS; run++) {
                long bytes = threads.getThreadAllocatedBytes(self);
                long cpu = threads.getCurrentThreadCpuTime();
                tick(call);
                bytesPerFrame[run] = (threads.getThreadAllocatedBytes(self) - bytes) / (double) FRAMES;
                cpuNanosPerFrame[run] = (threads.getCurrentThreadCpuTime() - cpu) / (double) FRAMES;
            }
            connection.abort();
            Arrays.sort(bytesPerFrame);
            Arrays.sort(cpuNanosPerFrame);
            System.out.printf("BENCH emulate media frame send: %.1f bytes allocated per frame (min %.1f, max %.1f),"
                            + " CPU %.2f us per frame (min %.2f, max %.2f), median of %d runs of %,d frames%n",
                    bytesPerFrame[RUNS / 2], bytesPerFrame[0], bytesPerFrame[RUNS - 1], cpuNanosPerFrame[RUNS / 2] / 1e3,
                    cpuNanosPerFrame[0] / 1e3, cpuNanosPerFrame[RUNS - 1] / 1e3, RUNS, FRAMES);
        }
    }

    private static void tick(EmulatedCall call) {
        for (int i = 0; i < FRAMES; i++) {
            if (!call.tick(System.nanoTime())) {
                throw new IllegalStateException("the call ended during the benchmark");
            }
        }
    }

    /** Answers the upgrade, then reads and drops everything, as a server that keeps up would. */
    private static void acceptAndDrain(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String key = head.lines().filter(line -> line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18))
                    .findFirst().orElseThrow().substring(18).strip();
            socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the benchmark aborted the connection: done
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the upgrade request");
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
