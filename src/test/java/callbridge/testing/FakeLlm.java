package callbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI-compatible chat-completions endpoint on loopback ({@code POST /chat/completions}, {@code GET
 * /models}) that answers with scripted lines in order, and keeps every conversation it was sent.
 */
public final class FakeLlm extends JsonStandIn {
    public static final String API_KEY = "test-llm-key";
    public static final String MODEL = "test-model";

    private final Iterator<String> lines;

    private FakeLlm(List<String> lines) throws IOException {
        super(API_KEY);
        this.lines = List.copyOf(lines).iterator();
    }

    /** Answers each chat completion with the next of {@code lines}. */
    public static FakeLlm replying(List<String> lines) throws IOException {
        return new FakeLlm(lines);
    }

    /** The {@code messages} of each chat completion asked for, in order. */
    public List<JsonNode> conversations() {
        return requests().stream().filter(r -> r.path().equals("/chat/completions")).map(r -> r.body().path("messages")).toList();
    }

    @Override
    protected synchronized Answer answer(Request request) {
        if (request.method().equals("GET") && request.path().equals("/models")) {
            return new Answer(200, Map.of("object", "list", "data", List.of(Map.of("id", MODEL, "object", "model"))));
        }
        if (!request.method().equals("POST") || !request.path().equals("/chat/completions")) {
            problem("unexpected " + request.method() + " " + request.path());
            return new Answer(404, Map.of("error", Map.of("message", "not found")));
        }
        if (!MODEL.equals(request.body().path("model").asText()) || !request.body().path("messages").isArray()) {
            problem("chat completion without the model or messages: " + request.body());
            return new Answer(400, Map.of("error", Map.of("message", "bad request")));
        }
        String line = lines.hasNext() ? lines.next() : "[END]";
        return new Answer(200, Map.of("id", "chatcmpl-test", "object", "chat.completion", "model", MODEL,
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", line)))));
    }
}
