package callbridge.talk;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Galtea's conversation simulator plays the user for one test case, in the order the SDK's
 * {@code simulate()} uses: a session for the version and test case; each user line from
 * {@code generateNextUserMessage}; the agent's answer and latency written on the turn Galtea created for
 * that line; a greeting (the agent spoke first) recorded as a turn with no input; the session finished
 * with the simulator's stopping reason (the SDK's default when it gave none), or with an error when the
 * call did not run to its end.
 */
final class GalteaUser implements UserSide {
    private final GalteaClient galtea;
    private final String versionId;
    private final String testCaseId;
    private final int maxTurns;
    private Optional<String> sessionId = Optional.empty();
    /** The turn Galtea created for the line being said, until the agent's answer is written on it. */
    private Optional<String> pendingTurn = Optional.empty();
    /** Set once the simulator says the conversation is finished: its own stopping reason. */
    private Optional<String> stoppingReason = Optional.empty();
    /**
     * The stopping reason a conversation that ran to its end is finished with when the simulator gave
     * none: the Python SDK's {@code sessions.finish()} sends this one when it is given none, "because the
     * API requires a non-empty stopping reason" (sdk/api/session/finish). Nothing else is made up: a
     * conversation cut at {@code --max-turns} is finished with it too, not with a name Galtea never used.
     */
    static final String SDK_DEFAULT_STOPPING_REASON = "FINISHED";

    GalteaUser(GalteaClient galtea, String versionId, String testCaseId, int maxTurns) {
        this.galtea = galtea;
        this.versionId = versionId;
        this.testCaseId = testCaseId;
        this.maxTurns = maxTurns;
    }

    @Override
    public void begin() throws IOException, InterruptedException {
        sessionId = Optional.of(galtea.createSession(versionId, testCaseId));
    }

    @Override
    public Map<String, String> facts() {
        return sessionId.map(id -> Map.of("galtea_test_case_id", testCaseId, "galtea_session_id", id))
                .orElse(Map.of("galtea_test_case_id", testCaseId));
    }

    @Override
    public void heard(AgentReply reply) throws IOException, InterruptedException {
        if (pendingTurn.isPresent()) {
            // A negative latency means the agent spoke over our line (barge-in): no response time to report.
            galtea.answerTurn(pendingTurn.get(), reply.text(), reply.latencyMillis().filter(ms -> ms >= 0));
            pendingTurn = Optional.empty();
        } else {
            galtea.recordGreeting(session(), reply.text());
        }
    }

    @Override
    public Move next() throws IOException, InterruptedException {
        if (stoppingReason.isPresent()) {
            return new Done("the simulator finished: " + stoppingReason.get());
        }
        GalteaClient.NextMessage message = galtea.nextUserMessage(session(), maxTurns);
        if (message.text().isBlank()) {
            stoppingReason = Optional.of(message.stoppingReason().orElse(SDK_DEFAULT_STOPPING_REASON));
            return new Done("the simulator finished: " + stoppingReason.get());
        }
        pendingTurn = message.inferenceResultId();
        if (message.finished()) {
            stoppingReason = Optional.of(message.stoppingReason().orElse(SDK_DEFAULT_STOPPING_REASON));
        }
        return new Say(message.text(), message.finished());
    }

    /**
     * Writes why a pending turn got no answer, then finishes the session whatever that write did: a
     * session left open is skipped by evaluations, so one failed write must not cost the whole session.
     */
    @Override
    public void ended(Ending ending) throws IOException, InterruptedException {
        if (sessionId.isEmpty()) {
            return;
        }
        IOException turnNotWritten = null;
        if (pendingTurn.isPresent()) {
            try {
                galtea.failTurn(pendingTurn.get(), "the agent did not answer: " + ending.detail());
            } catch (IOException e) {
                turnNotWritten = e;
            }
        }
        if (stoppingReason.isPresent() || ending.outcome().finished()) {
            galtea.finishSession(sessionId.get(), Optional.of(stoppingReason.orElse(SDK_DEFAULT_STOPPING_REASON)), Optional.empty());
        } else {
            galtea.finishSession(sessionId.get(), Optional.empty(), Optional.of(ending.detail()));
        }
        if (turnNotWritten != null) {
            throw turnNotWritten;
        }
    }

    private String session() {
        return sessionId.orElseThrow(() -> new IllegalStateException("begin() makes the session first"));
    }
}
