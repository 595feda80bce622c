package callbridge.talk;

import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The part of Galtea's REST API that its conversation simulator needs, as Galtea's Python SDK calls it
 * ({@code galtea/application/services/simulator_service.py} and the services it uses) and as the API
 * reference documents it (https://docs.galtea.ai/api-reference): JSON in camelCase, {@code Authorization:
 * Bearer <key>}, lists as bare arrays paged with {@code offset} and {@code limit}.
 */
final class GalteaClient {
    /** Galtea's own API host; {@code GALTEA_API_URL} overrides it, as in the SDK. */
    static final String DEFAULT_BASE_URL = "https://api.galtea.ai";
    private static final int PAGE = 1_000;
    /** A test with more cases than this is more calls than one run should place. */
    private static final int MAX_PAGES = 10;

    /** A test case, reduced to what a run needs: its id. */
    record TestCase(String id) {
    }

    /** The simulator's answer: the user's next line, or that the conversation is finished. */
    record NextMessage(String text, boolean finished, Optional<String> stoppingReason, Optional<String> inferenceResultId) {
    }

    private final JsonApi api;

    GalteaClient(JsonApi api) {
        this.api = api;
    }

    /** {@code GET /testCases?testIds=} (api-reference/test-cases/get-test-cases), every page, in Galtea's order. */
    List<TestCase> testCases(String testId) throws IOException, InterruptedException {
        List<TestCase> cases = new ArrayList<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode list = api.get("/testCases?testIds=" + encode(testId) + "&offset=" + page * PAGE + "&limit=" + PAGE);
            if (!list.isArray()) {
                throw new JsonApi.ApiException("Galtea answered the test case list with something that is not a list", 0);
            }
            for (JsonNode node : list) {
                cases.add(testCase(node));
            }
            if (list.size() < PAGE) {
                return cases;
            }
        }
        throw new IOException("Galtea test " + testId + " has more than " + MAX_PAGES * PAGE + " test cases");
    }

    /** {@code GET /testCases/{id}}. */
    TestCase testCase(String id) throws IOException, InterruptedException {
        return testCase(api.get("/testCases/" + encode(id)));
    }

    /** {@code POST /sessions} (api-reference/sessions/create-session): a test session, not production. */
    String createSession(String versionId, String testCaseId) throws IOException, InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("versionId", versionId)
                .put("testCaseId", testCaseId)
                .put("isProduction", false);
        return required(api.post("/sessions", body), "id", "the new session");
    }

    /**
     * {@code POST /conversationSimulator/generateNextUserMessage}: Galtea keeps the conversation as the
     * session's inference results, so only the session is sent. The turn it creates for the message is
     * answered with {@link #answerTurn} or {@link #failTurn}.
     */
    NextMessage nextUserMessage(String sessionId, int maxTurns) throws IOException, InterruptedException {
        JsonNode answer = api.post("/conversationSimulator/generateNextUserMessage",
                Json.MAPPER.createObjectNode().put("sessionId", sessionId).put("maxTurns", maxTurns));
        return new NextMessage(answer.path("nextMessage").asText(""), answer.path("finished").asBoolean(false),
                text(answer, "stoppingReason"), text(answer, "inferenceResultId"));
    }

    /** {@code PATCH /inferenceResults/{id}} (api-reference/inferenceresults/update-inference-result): the agent's answer, latency in ms. */
    void answerTurn(String inferenceResultId, String agentOutput, Optional<Long> latencyMillis) throws IOException, InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("actualOutput", agentOutput);
        latencyMillis.ifPresent(latency -> body.put("latency", latency));
        api.patch("/inferenceResults/" + encode(inferenceResultId), body);
    }

    /**
     * The turn will get no answer (the call ended): {@code error} is the field the update documents for
     * it. The turn alone is not enough: the session must still be finished ({@link #finishSession}), or
     * evaluations skip it as still in progress.
     */
    void failTurn(String inferenceResultId, String error) throws IOException, InterruptedException {
        api.patch("/inferenceResults/" + encode(inferenceResultId), Json.MAPPER.createObjectNode().put("error", error));
    }

    /**
     * {@code POST /inferenceResults} (api-reference/inference-results/create-inference-result): the agent
     * spoke first, so its greeting is a turn with no user input. The user's text goes in
     * {@code actualInput}, the field the Python SDK fills; the reference's {@code input} is an object
     * ({@code {"user_message": ...}}), and a string there is refused.
     */
    void recordGreeting(String sessionId, String agentOutput) throws IOException, InterruptedException {
        api.post("/inferenceResults", Json.MAPPER.createObjectNode()
                .put("sessionId", sessionId).put("actualInput", "").put("actualOutput", agentOutput));
    }

    /**
     * {@code PATCH /sessions/{id}/finish} (api-reference/sessions/finish-session): a stopping reason marks it
     * completed, an error marks it failed; one of the two is required. Finishing closes the session, which
     * is what makes it eligible for evaluation.
     */
    void finishSession(String sessionId, Optional<String> stoppingReason, Optional<String> error) throws IOException, InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        stoppingReason.ifPresent(reason -> body.put("stoppingReason", reason));
        error.ifPresent(message -> body.put("error", message));
        api.patch("/sessions/" + encode(sessionId) + "/finish", body);
    }

    private static TestCase testCase(JsonNode node) throws JsonApi.ApiException {
        return new TestCase(required(node, "id", "a test case"));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static String required(JsonNode node, String field, String what) throws JsonApi.ApiException {
        return text(node, field).orElseThrow(() -> new JsonApi.ApiException("Galtea's answer for " + what + " has no " + field, 0));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
