package callbridge.websocket;


import callbridge.testing.Await;
import callbridge.testing.StandaloneServer;
import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of random and mutated frames (flipped bits, cut short, wrong lengths, garbage) on hundreds of
 * connections, from a fixed seed. Whatever arrives, the server answers only with well-formed frames,
 * ends every connection, leaves no thread behind, and still serves the next client.
 */
class FuzzTest {
    private static final long SEED = 6455;
    private static final int CONNECTIONS = 400;
    private static final int MAX_FRAMES_PER_CONNECTION = 20;
    private static final int PARALLEL = 16;
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** A connection thread's name in a JSON thread dump: {@code "name": "conn /127.0.0.1:54321"} ("/" may be escaped). */
    private static final Pattern CONNECTION_THREAD = Pattern.compile("\"name\": \"conn \\\\?/[^\"]*:(\\d+)\"");

    /** How a client leaves after writing its script. */
    private enum Ending { HALF_CLOSE_AND_READ, RESET }

    private record Script(byte[] bytes, int frames, Ending ending) {
    }

    @Test
    void randomAndMutatedFrames_neverBreakTheServer(@TempDir Path dumps) throws Exception {
        List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
        Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
        EchoEndpoint echo = new EchoEndpoint();
        try (StandaloneServer server = StandaloneServer.start(Map.of(), Map.of("/echo", echo), Duration.ofSeconds(30), 256)) {
            assertThreadDumpSeesConnections(server, dumps.resolve("sentinel.json"));

            Random random = new Random(SEED);
            List<Script> scripts = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                scripts.add(script(random));
            }
            int frames = scripts.stream().mapToInt(Script::frames).sum();
            assertTrue(frames >= 3000, "only " + frames + " frames");

            Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
            Map<String, Integer> outcomes = new ConcurrentHashMap<>();
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService clients = Executors.newFixedThreadPool(PARALLEL);
                 ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < scripts.size(); i++) {
                    int number = i;
                    runs.add(clients.submit(() -> {
                        run(server.port(), scripts.get(number), readers, clientPorts, outcomes, problems, number);
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(60, TimeUnit.SECONDS);
                }
            }
            System.out.printf("fuzz: %d frames on %d connections, outcomes %s%n", frames, CONNECTIONS, new TreeMap<>(outcomes));
            assertEquals(List.of(), problems);
            // The fuzz reached every rule it is meant to: these closes and some echoes came back.
            for (String expected : List.of("close 1002", "close 1003", "close 1007", "close 1009", "echo")) {
                assertTrue(outcomes.containsKey(expected), "no " + expected + " in " + new TreeMap<>(outcomes));
            }

            Await.until("no connection left open", SETTLE, () -> server.frontDoor().openConnections() == 0);
            for (Thread thread : echo.connectionThreads()) {
                thread.join(SETTLE);
                assertFalse(thread.isAlive(), thread + " outlived its connection");
            }
            assertEquals(CONNECTIONS + 1, echo.connectionThreads().size(), "every connection was upgraded");
            assertEquals(Set.of(), liveConnectionThreads(dumps.resolve("after.json"), clientPorts));

            try (RawClient fresh = RawClient.open(server.port(), "/echo")) {
                fresh.sendText("still serving");
                fresh.expectText("still serving");
            }
            assertEquals(List.of(), uncaught);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        }
    }

    /** One connection: handshake, the script's bytes, then a half-close and everything the server says. */
    private static void run(int port, Script script, ExecutorService readers, Set<Integer> clientPorts,
                            Map<String, Integer> outcomes, List<String> problems, int number) throws Exception {
        try (RawClient client = RawClient.open(port, "/echo")) {
            clientPorts.add(client.localPort());
            // Read while writing: the server may echo while we still send, and neither side may block the other.
            Future<byte[]> received = readers.submit(client::readToEnd);
            try {
                client.write(script.bytes());
                if (script.ending() == Ending.RESET) {
                    client.abort();
                    return;
                }
                client.shutdownOutput();
            } catch (IOException e) {
                // the server failed the connection while we were still writing: allowed
            }
            byte[] answer;
            try {
                answer = received.get(RawClient.READ_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SocketTimeoutException) {
                    problems.add("connection " + number + ": server kept it open after our end of stream");
                }
                outcomes.merge("reset", 1, Integer::sum); // a reset may cut what the server sent: nothing to judge
                return;
            }
            String verdict = judge(answer);
            if (verdict.startsWith("bad")) {
                problems.add("connection " + number + ": " + verdict + " in " + Hex.of(answer));
            }
            outcomes.merge(verdict, 1, Integer::sum);
        }
    }

    /**
     * What the server sent, judged by RFC 6455 for a server: whole unmasked frames without RSV bits, only
     * text, pong and close, text in UTF-8, a close with a valid code as the last frame. The verdict is
     * "close CODE", "echo" (messages and no close), "nothing", or "bad ..." for a violation.
     */
    static String judge(byte[] answer) {
        ByteBuffer in = ByteBuffer.wrap(answer);
        String verdict = "nothing";
        while (in.hasRemaining()) {
            if (verdict.startsWith("close")) {
                return "bad: bytes after the close frame";
            }
            if (in.remaining() < 2) {
                return "bad: a cut frame header";
            }
            int first = in.get() & 0xFF;
            int second = in.get() & 0xFF;
            if ((first & 0x70) != 0 || (second & 0x80) != 0) {
                return "bad: RSV bits or mask in a server frame";
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = in.remaining() < 2 ? -1 : in.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = in.remaining() < 8 ? -1 : in.getLong();
            }
            if (length < 0 || length > in.remaining()) {
                return "bad: a cut frame";
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            Opcode opcode = Opcode.of(first);
            boolean fin = (first & 0x80) != 0;
            switch (opcode) {
                case TEXT -> {
                    if (!fin || !Utf8Validator.isValid(payload)) {
                        return "bad: a fragmented or non-UTF-8 text frame";
                    }
                    verdict = "echo";
                }
                case PONG -> {
                    if (length > 125) {
                        return "bad: a long pong";
                    }
                }
                case CLOSE -> {
                    if (payload.length < 2) {
                        verdict = "close empty";
                    } else {
                        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                        if (!CloseCodes.isValidOnWire(code) || payload.length > 125
                                || !Utf8Validator.isValid(Arrays.copyOfRange(payload, 2, payload.length))) {
                            return "bad: close body " + Hex.of(payload);
                        }
                        verdict = "close " + code;
                    }
                }
                default -> {
                    return "bad: a server frame with opcode " + opcode;
                }
            }
        }
        return verdict;
    }

    // ---- scripts

    private static Script script(Random random) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int frames = 1 + random.nextInt(MAX_FRAMES_PER_CONNECTION);
        for (int i = 0; i < frames; i++) {
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            byte[] frame = FrameWriter.encode(frame(random), mask);
            bytes.writeBytes(random.nextInt(3) == 0 ? mutate(frame, random) : frame);
        }
        return new Script(bytes.toByteArray(), frames, random.nextInt(8) == 0 ? Ending.RESET : Ending.HALF_CLOSE_AND_READ);
    }

    /** A frame a client might well send, mostly valid: text, fragments, pings, pongs, closes, sometimes binary. */
    private static Frame frame(Random random) {
        int kind = random.nextInt(100);
        if (kind < 35) {
            return Frame.of(Opcode.TEXT, text(random, random.nextInt(300)));
        } else if (kind < 45) {
            return new Frame(random.nextBoolean(), 0, Opcode.TEXT, text(random, random.nextInt(50)));
        } else if (kind < 58) {
            return new Frame(random.nextInt(3) > 0, 0, Opcode.CONTINUATION, text(random, random.nextInt(50)));
        } else if (kind < 68) {
            return Frame.of(Opcode.PING, bytes(random, random.nextInt(126)));
        } else if (kind < 74) {
            return Frame.of(Opcode.PONG, bytes(random, random.nextInt(126)));
        } else if (kind < 79) {
            int[] codes = {1000, 1001, 1003, 1008, 3000, 4999, 999, 1005, 2999};
            int code = codes[random.nextInt(codes.length)];
            byte[] reason = text(random, random.nextInt(40));
            return Frame.of(Opcode.CLOSE, Hex.concat(new byte[] {(byte) (code >> 8), (byte) code}, reason));
        } else if (kind < 84) {
            return Frame.of(Opcode.BINARY, bytes(random, random.nextInt(300)));
        } else if (kind < 88) {
            return Frame.of(Opcode.TEXT, bytes(random, 1 + random.nextInt(40))); // almost surely not UTF-8
        } else if (kind < 91) {
            int length = WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES - 100 + random.nextInt(200);
            return Frame.of(Opcode.TEXT, "a".repeat(length).getBytes(StandardCharsets.US_ASCII));
        } else {
            return new Frame(random.nextBoolean(), random.nextInt(8), Opcode.of(random.nextInt(16)), bytes(random, random.nextInt(130)));
        }
    }

    /** Breaks an encoded frame the way a buggy or hostile client would. */
    private static byte[] mutate(byte[] frame, Random random) {
        byte[] bytes = frame.clone();
        switch (random.nextInt(6)) {
            case 0 -> { // flip bits, mostly in the header
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int at = random.nextBoolean() ? random.nextInt(Math.min(2, bytes.length)) : random.nextInt(bytes.length);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            }
            case 1 -> { // cut short
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            case 2 -> { // another 7-bit length, masked or not
                bytes[1] = (byte) random.nextInt(256);
                return bytes;
            }
            case 3 -> { // a 64-bit length, anything up to 2^64-1, then the rest of the frame
                ByteBuffer header = ByteBuffer.allocate(10).put(bytes[0]).put((byte) (0x80 | 127)).putLong(random.nextLong() >>> random.nextInt(64));
                return Hex.concat(header.array(), Arrays.copyOfRange(bytes, 2, bytes.length));
            }
            case 4 -> { // garbage before the frame
                return Hex.concat(bytes(random, 1 + random.nextInt(20)), bytes);
            }
            default -> { // a 16-bit length
                ByteBuffer header = ByteBuffer.allocate(4).put(bytes[0]).put((byte) (0x80 | 126)).putShort((short) random.nextInt(65536));
                return Hex.concat(header.array(), Arrays.copyOfRange(bytes, 2, bytes.length));
            }
        }
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Valid UTF-8 of about {@code length} bytes, with characters of every encoded length. */
    private static byte[] text(Random random, int length) {
        String[] characters = {"a", "Z", " ", "é", "κ", "€", "中", "😀"};
        StringBuilder text = new StringBuilder();
        while (text.toString().getBytes(StandardCharsets.UTF_8).length < length) {
            text.append(characters[random.nextInt(characters.length)]);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- threads

    /**
     * Proves the thread dump can see a connection's (virtual) thread before trusting it to see none:
     * {@code Thread.getAllStackTraces()} lists platform threads only, so it would see nothing either way.
     */
    private static void assertThreadDumpSeesConnections(StandaloneServer server, Path file) throws Exception {
        try (RawClient sentinel = RawClient.open(server.port(), "/echo")) {
            sentinel.sendText("sentinel");
            sentinel.expectText("sentinel");
            assertEquals(Set.of(sentinel.localPort()), liveConnectionThreads(file, Set.of(sentinel.localPort())));
        }
    }

    /** The client ports among {@code ports} whose server-side connection thread ("conn /host:port") is alive. */
    private static Set<Integer> liveConnectionThreads(Path file, Set<Integer> ports) throws IOException {
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        Set<Integer> live = new HashSet<>();
        Matcher matcher = CONNECTION_THREAD.matcher(Files.readString(file));
        while (matcher.find()) {
            int port = Integer.parseInt(matcher.group(1));
            if (ports.contains(port)) {
                live.add(port);
            }
        }
        return live;
    }
}
