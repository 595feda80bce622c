package callbridge.bench;

import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's side of every call in a capacity run, as a driver of inbound calls runs it: it learns each new
 * call from {@code GET /calls/next}, and drives it with a loop of {@code GET /generate}: the first one waits
 * for what the caller says, every later one answers it with {@value #REPLY} (spoken by the text-to-speech
 * stand-in into the call) and waits for the caller's next turn. So every turn costs the server a
 * transcription, a synthesis and the media frames out, as in production, and the first-audio latency is
 * measured on real traffic.
 */
final class Agents implements AutoCloseable {
    static final String REPLY = "Muy bien, le reservo la mesa.";
    /** How long one {@code /calls/next} waits; the watcher asks again until it is closed. */
    private static final String NEXT_TIMEOUT_SECONDS = "5";

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String server;
    private final String apiKey;
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Claims new calls from the server; none when the calls stay silent. */
    private Optional<Thread> watcher = Optional.empty();
    private volatile boolean closed;

    private Agents(String server, String apiKey) {
        this.server = server;
        this.apiKey = apiKey;
    }

    /** Answers every call the server at {@code port} receives, until closed. */
    static Agents start(int port, String apiKey) {
        Agents agents = new Agents("http://127.0.0.1:" + port, apiKey);
        agents.watcher = Optional.of(Thread.ofVirtual().name("agents").start(agents::answerNewCalls));
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

    private void answerNewCalls() {
        while (!closed) {
            try {
                HttpResponse<String> next = get("/calls/next?timeout=" + NEXT_TIMEOUT_SECONDS);
                if (next.statusCode() == 200) {
                    String sid = Json.MAPPER.readTree(next.body()).path("call_sid").asText();
                    Thread.ofVirtual().name("agent " + sid).start(() -> converse(sid));
                } else if (next.statusCode() != 204) {
                    failures.incrementAndGet();
                }
            } catch (IOException e) {
                failedUnlessClosed();
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A request that failed counts, unless it failed because the run is over. */
    private void failedUnlessClosed() {
        if (!closed) {
            failures.incrementAndGet();
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server + pathAndQuery)).header("X-API-KEY", apiKey)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void converse(String sid) {
        String query = "sid=" + sid + "&first=true&timeout=30";
        while (!closed) {
            try {
                HttpResponse<String> response = get("/generate?" + query);
                if (response.statusCode() != 200) {
                    failures.incrementAndGet();
                    return;
                }
                if (query.contains("input=")) {
                    replies.incrementAndGet(); // spoken, whether the caller spoke again or hung up after it
                }
                JsonNode answer = Json.MAPPER.readTree(response.body());
                if ("call_ended".equals(answer.path("kind").asText())) {
                    return;
                }
            } catch (IOException e) {
                failedUnlessClosed();
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
