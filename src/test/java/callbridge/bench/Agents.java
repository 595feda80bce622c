package callbridge.bench;

import callbridge.json.Json;
import callbridge.testing.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's side of every call in a capacity run, as a driver would run it: for each call {@code emulate}
 * reports streaming, a loop of {@code GET /generate}: the first one waits for what the caller says, every
 * later one answers it with {@value #REPLY} (spoken by the text-to-speech stand-in into the call) and waits
 * for the caller's next turn. So every turn costs the server a transcription, a synthesis and the media
 * frames out, as in production, and the first-audio latency is measured on real traffic.
 */
final class Agents implements AutoCloseable {
    static final String REPLY = "Muy bien, le reservo la mesa.";
    private static final Pattern STREAMING = Pattern.compile("^call (CA[0-9a-f]{32}): streaming");
    /** How often the generator's output is looked at for new calls. */
    private static final long POLL_MILLIS = 20;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String base;
    private final String apiKey;
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Looks for new calls in the generator's output; none when the calls stay silent. */
    private Optional<Thread> watcher = Optional.empty();
    private volatile boolean closed;

    private Agents(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** Answers every call {@code generator} starts, until closed. */
    static Agents start(int port, String apiKey, ServerProcess generator) {
        Agents agents = new Agents("http://127.0.0.1:" + port + "/generate?", apiKey);
        agents.watcher = Optional.of(Thread.ofVirtual().name("agents").start(() -> agents.answerCallsOf(generator)));
        return agents;
    }

    /** No agent at all: the calls stay silent. */
    static Agents none() {
        return new Agents("", "");
    }

    /** Replies spoken so far. */
    long replies() {
        return replies.get();
    }

    /** /generate requests that failed (not counting the answer that says the call ended). */
    long failures() {
        return failures.get();
    }

    private void answerCallsOf(ServerProcess generator) {
        Set<String> answered = new HashSet<>();
        int seen = 0;
        while (!closed && generator.isAlive()) {
            List<String> lines = generator.stdout();
            for (String line : lines.subList(seen, lines.size())) {
                Matcher streaming = STREAMING.matcher(line);
                if (streaming.find() && answered.add(streaming.group(1))) {
                    String sid = streaming.group(1);
                    Thread.ofVirtual().name("agent " + sid).start(() -> converse(sid));
                }
            }
            seen = lines.size();
            try {
                Thread.sleep(POLL_MILLIS); // the generator is another process: its output is polled
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void converse(String sid) {
        String query = "sid=" + sid + "&first=true&timeout=30";
        while (!closed) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + query))
                        .header("X-API-KEY", apiKey).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    failures.incrementAndGet();
                    return;
                }
                JsonNode answer = Json.MAPPER.readTree(response.body());
                if ("call_ended".equals(answer.path("kind").asText())) {
                    return;
                }
                if (query.contains("input=")) {
                    replies.incrementAndGet();
                }
            } catch (IOException e) {
                failures.incrementAndGet();
                return;
            } catch (InterruptedException e) {
                return;
            }
            query = "sid=" + sid + "&timeout=30&input=" + URLEncoder.encode(REPLY, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        closed = true;
        watcher.ifPresent(Thread::interrupt);
        http.shutdownNow();
    }
}
