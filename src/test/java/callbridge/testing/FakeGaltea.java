package callbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Galtea's REST API on loopback, as far as its conversation simulator goes (see {@code GalteaClient} for the
 * pages it follows): test cases, sessions, {@code generateNextUserMessage} playing each test case's scripted
 * user lines (the last one with {@code finished: true}), inference results and finishing a session. It
 * checks what the client sends and keeps every session, so a test can read what was recorded.
 *
 * <p>It refuses what the real API refuses, as its reference documents each body (api-reference: create
 * session, create and update inference result, finish session): a field the endpoint does not know, a
 * required one missing, or one of the wrong type gets a 400 and the problem is kept, so a client that
 * drifts from the contract fails its test. On {@code POST /inferenceResults} the reference types
 * {@code input} as an object; the Python SDK sends the user's text as {@code actualInput}, which is taken.
 */
public final class FakeGaltea extends JsonStandIn {
    public static final String API_KEY = "gsk_test-galtea-key";
    public static final String STOPPING_REASON = "GOAL_ACHIEVED";

    private static final Pattern TEST_CASE = Pattern.compile("/testCases/([\\w-]+)");
    private static final Pattern INFERENCE_RESULT = Pattern.compile("/inferenceResults/([\\w-]+)");
    private static final Pattern FINISH = Pattern.compile("/sessions/([\\w-]+)/finish");

    /** A test case and the user lines the simulator plays for it. */
    public record TestCase(String id, String goal, List<String> userLines) {
    }

    /** One turn recorded in a session: the user's input and the agent's answer. */
    public record Turn(String id, String input, String output, Long latency, String error) {
    }

    /** A session as the client left it. */
    public static final class Session {
        public final String id;
        public final String versionId;
        public final String testCaseId;
        public final List<Turn> turns = new ArrayList<>();
        public String stoppingReason;
        public String error;
        public boolean finished;
        private int nextLine;

        Session(String id, String versionId, String testCaseId) {
            this.id = id;
            this.versionId = versionId;
            this.testCaseId = testCaseId;
        }
    }

    private final Map<String, List<TestCase>> tests;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final java.util.Set<String> refusedTestCases = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int open;
    private int mostOpenAtOnce;

    private FakeGaltea(Map<String, List<TestCase>> tests) throws IOException {
        super(API_KEY);
        this.tests = Map.copyOf(tests);
    }

    public static FakeGaltea withTests(Map<String, List<TestCase>> tests) throws IOException {
        return new FakeGaltea(tests);
    }

    /** Session creation for this test case fails with a 500 from now on. */
    public void refuseSessionsFor(String testCaseId) {
        refusedTestCases.add(testCaseId);
    }

    public synchronized List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    /** The most sessions that were open (created, not finished) at one time. */
    public synchronized int mostOpenAtOnce() {
        return mostOpenAtOnce;
    }

    /** Each JSON body's fields as the API reference lists them, with the JSON type each must have. */
    private static final Map<String, Map<String, JsonNodeType>> FIELDS = Map.of(
            "POST /sessions", Map.of("versionId", JsonNodeType.STRING, "testCaseId", JsonNodeType.STRING,
                    "isProduction", JsonNodeType.BOOLEAN, "customId", JsonNodeType.STRING,
                    "context", JsonNodeType.STRING, "metadata", JsonNodeType.OBJECT),
            "POST /conversationSimulator/generateNextUserMessage", Map.of("sessionId", JsonNodeType.STRING,
                    "maxTurns", JsonNodeType.NUMBER),
            "POST /inferenceResults", Map.of("sessionId", JsonNodeType.STRING, "input", JsonNodeType.OBJECT,
                    "actualInput", JsonNodeType.STRING, "actualOutput", JsonNodeType.STRING, "error", JsonNodeType.STRING,
                    "retrievalContext", JsonNodeType.STRING, "latency", JsonNodeType.NUMBER,
                    "conversationSimulatorVersion", JsonNodeType.STRING),
            "PATCH /inferenceResults/{id}", Map.of("actualOutput", JsonNodeType.STRING, "retrievalContext", JsonNodeType.STRING,
                    "error", JsonNodeType.STRING, "latency", JsonNodeType.NUMBER),
            "PATCH /sessions/{id}/finish", Map.of("stoppingReason", JsonNodeType.STRING, "error", JsonNodeType.STRING));
    /** The fields a body must have. */
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "POST /sessions", List.of("versionId"),
            "POST /conversationSimulator/generateNextUserMessage", List.of("sessionId"),
            "POST /inferenceResults", List.of("sessionId"));

    @Override
    protected synchronized Answer answer(Request request) {
        String route = request.method() + " " + request.path();
        Optional<String> refused = refusal(request);
        if (refused.isPresent()) {
            problem(route + ": " + refused.get() + ": " + request.body());
            return new Answer(400, Map.of("error", "Bad Request", "message", refused.get()));
        }
        Matcher testCase = TEST_CASE.matcher(request.path());
        Matcher inference = INFERENCE_RESULT.matcher(request.path());
        Matcher finish = FINISH.matcher(request.path());
        if (route.equals("GET /testCases")) {
            return listTestCases(request.query());
        } else if (request.method().equals("GET") && testCase.matches()) {
            return findTestCase(testCase.group(1)).<Answer>map(c -> new Answer(200, describe(c))).orElseGet(this::notFound);
        } else if (route.equals("POST /sessions")) {
            return createSession(request.body());
        } else if (route.equals("POST /conversationSimulator/generateNextUserMessage")) {
            return nextUserMessage(request.body());
        } else if (request.method().equals("PATCH") && inference.matches()) {
            return updateTurn(inference.group(1), request.body());
        } else if (route.equals("POST /inferenceResults")) {
            return session(request.body().path("sessionId").asText()).map(s -> {
                s.turns.add(new Turn("ir-greeting-" + s.id, request.body().path("actualInput").asText(),
                        request.body().path("actualOutput").asText(), null, null));
                return new Answer(201, Map.of("id", "ir-greeting-" + s.id, "sessionId", s.id));
            }).orElseGet(this::notFound);
        } else if (request.method().equals("PATCH") && finish.matches()) {
            return finishSession(finish.group(1), request.body());
        }
        problem("unexpected " + route);
        return notFound();
    }

    /** Why the real API would refuse this body, if it would. */
    private static Optional<String> refusal(Request request) {
        String template = request.method() + " " + request.path()
                .replaceFirst("^/inferenceResults/[^/]+$", "/inferenceResults/{id}")
                .replaceFirst("^/sessions/([^/]+)/finish$", "/sessions/{id}/finish");
        Map<String, JsonNodeType> fields = FIELDS.get(template);
        if (fields == null) {
            return Optional.empty();
        }
        if (!request.body().isObject()) {
            return Optional.of("the body must be a JSON object");
        }
        for (String name : REQUIRED.getOrDefault(template, List.of())) {
            if (!request.body().hasNonNull(name)) {
                return Optional.of(name + " is required");
            }
        }
        for (Map.Entry<String, JsonNode> field : request.body().properties()) {
            JsonNodeType type = fields.get(field.getKey());
            if (type == null) {
                return Optional.of("unknown field " + field.getKey());
            }
            if (!field.getValue().isNull() && field.getValue().getNodeType() != type) {
                return Optional.of(field.getKey() + " must be of type " + type.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    private Answer listTestCases(String query) {
        Matcher test = Pattern.compile("testIds=([\\w-]+)").matcher(query == null ? "" : query);
        if (!test.find() || !query.contains("offset=") || !query.contains("limit=")) {
            problem("test case list without testIds, offset or limit: " + query);
            return new Answer(400, Map.of("error", "Bad Request", "message", "testIds, offset and limit"));
        }
        return new Answer(200, tests.getOrDefault(test.group(1), List.of()).stream().map(FakeGaltea::describe).toList());
    }

    private Answer createSession(JsonNode body) {
        String testCaseId = body.path("testCaseId").asText();
        if (body.path("versionId").asText().isEmpty() || findTestCase(testCaseId).isEmpty()
                || !body.path("isProduction").isBoolean() || body.path("isProduction").asBoolean()) {
            problem("session created without a version, a known test case or isProduction=false: " + body);
            return new Answer(400, Map.of("error", "Bad Request", "message", "bad session"));
        }
        if (refusedTestCases.contains(testCaseId)) {
            return new Answer(500, Map.of("error", "Internal Server Error", "message", "scripted failure"));
        }
        Session session = new Session("session_" + (sessions.size() + 1), body.path("versionId").asText(), testCaseId);
        sessions.put(session.id, session);
        mostOpenAtOnce = Math.max(mostOpenAtOnce, ++open);
        return new Answer(201, Map.of("id", session.id, "versionId", session.versionId, "testCaseId", testCaseId));
    }

    private Answer nextUserMessage(JsonNode body) {
        Optional<Session> found = session(body.path("sessionId").asText());
        if (found.isEmpty() || !body.has("maxTurns")) {
            problem("generateNextUserMessage for an unknown session or without maxTurns: " + body);
            return notFound();
        }
        Session session = found.get();
        List<String> lines = findTestCase(session.testCaseId).orElseThrow().userLines();
        if (session.nextLine >= lines.size()) {
            return new Answer(200, Map.of("nextMessage", "", "finished", true, "stoppingReason", STOPPING_REASON));
        }
        String turnId = "ir-" + session.id + "-" + session.nextLine;
        String line = lines.get(session.nextLine++);
        session.turns.add(new Turn(turnId, line, null, null, null));
        boolean last = session.nextLine == lines.size();
        Map<String, Object> answer = new LinkedHashMap<>(Map.of("nextMessage", line, "finished", last,
                "inferenceResultId", turnId, "simulatorVersion", "test"));
        if (last) {
            answer.put("stoppingReason", STOPPING_REASON);
        }
        return new Answer(200, answer);
    }

    private Answer updateTurn(String turnId, JsonNode body) {
        for (Session session : sessions.values()) {
            for (int i = 0; i < session.turns.size(); i++) {
                Turn turn = session.turns.get(i);
                if (turn.id().equals(turnId)) {
                    session.turns.set(i, new Turn(turnId, turn.input(), body.path("actualOutput").asText(null),
                            body.path("latency").isNumber() ? body.path("latency").asLong() : null, body.path("error").asText(null)));
                    return new Answer(200, Map.of("id", turnId, "sessionId", session.id));
                }
            }
        }
        problem("PATCH of an unknown inference result " + turnId);
        return notFound();
    }

    private Answer finishSession(String sessionId, JsonNode body) {
        Optional<Session> found = session(sessionId);
        if (found.isEmpty() || found.get().finished || (!body.hasNonNull("stoppingReason") && !body.hasNonNull("error"))) {
            problem("finish of an unknown or finished session, or with neither stoppingReason nor error: " + sessionId + " " + body);
            return notFound();
        }
        Session session = found.get();
        session.finished = true;
        session.stoppingReason = body.path("stoppingReason").asText(null);
        session.error = body.path("error").asText(null);
        open--;
        return new Answer(200, Map.of("id", session.id, "status", session.error == null ? "COMPLETED" : "FAILED"));
    }

    private Optional<Session> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    private Optional<TestCase> findTestCase(String id) {
        return tests.values().stream().flatMap(List::stream).filter(c -> c.id().equals(id)).findFirst();
    }

    private Answer notFound() {
        return new Answer(404, Map.of("error", "Not Found", "message", "no such resource"));
    }

    private static Map<String, Object> describe(TestCase testCase) {
        return Map.of("id", testCase.id(), "goal", testCase.goal(), "maxIterations", testCase.userLines().size(),
                "userPersona", "a caller", "scenario", "phone booking");
    }
}
