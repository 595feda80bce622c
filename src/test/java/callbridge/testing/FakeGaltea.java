package callbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;

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

    @Override
    protected synchronized Answer answer(Request request) {
        String route = request.method() + " " + request.path();
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
                s.turns.add(new Turn("ir-greeting-" + s.id, request.body().path("input").asText(),
                        request.body().path("actualOutput").asText(), null, null));
                return new Answer(201, Map.of("id", "ir-greeting-" + s.id, "sessionId", s.id));
            }).orElseGet(this::notFound);
        } else if (request.method().equals("PATCH") && finish.matches()) {
            return finishSession(finish.group(1), request.body());
        }
        problem("unexpected " + route);
        return notFound();
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
