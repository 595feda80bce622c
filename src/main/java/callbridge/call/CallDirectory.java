package callbridge.call;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The calls as {@code GET /calls} shows them: the live ones at a glance, any call's record, and the new
 * calls waiting for a driver to claim them ({@code GET /calls/next}).
 */
public final class CallDirectory {
    /**
     * A live call at a glance.
     *
     * @param state {@code listening}, {@code far_end_speaking}, {@code playing} (our speech), or {@code ending}
     * @param age   since its stream started
     * @param turns turns of either side in its record so far
     */
    public record LiveCall(String callSid, String streamSid, Optional<String> from, Optional<String> to, String state,
                           Duration age, int turns) {
    }

    private final CallRegistry registry;
    private final CallRecords records;
    private final Clock clock;

    CallDirectory(CallRegistry registry, CallRecords records, Clock clock) {
        this.registry = registry;
        this.records = records;
        this.clock = clock;
    }

    /** The live calls, oldest first. */
    public List<LiveCall> live() {
        return registry.liveSessions().stream()
                .map(session -> {
                    CallStart start = session.start();
                    return new LiveCall(session.callSid(), session.streamSid(), start.from(), start.to(), session.state(),
                            Duration.between(start.startedAt(), clock.instant()),
                            records.journal(session.callSid()).map(CallJournal::turnCount).orElse(0));
                })
                .sorted(Comparator.comparing(LiveCall::age).reversed())
                .toList();
    }

    /**
     * The record of {@code callSid} as JSON ({@link CallRecordJson}): so far for a live call, whole for one
     * that ended. Empty for a call this server does not know.
     *
     * @throws IOException its record file could not be read
     */
    public Optional<ObjectNode> record(String callSid) throws IOException {
        if (!CallSids.isCallSid(callSid)) {
            return Optional.empty();
        }
        return records.find(callSid);
    }

    /** Claims the oldest call no driver has claimed, waiting up to {@code timeout}; see {@link UnclaimedCalls#claim}. */
    public Optional<CallStart> claimNext(Duration timeout, CompletableFuture<?> abandoned)
            throws InterruptedException {
        return registry.unclaimed().claim(timeout, abandoned);
    }

    /** A claimed call whose driver could not be told: unclaimed again, if it is still live. */
    public void unclaim(CallStart call) {
        registry.unclaimed().release(call, registry.live(call.callSid()).isPresent());
    }

    /** The server is shutting down: drivers waiting in {@link #claimNext} get nothing now, and later ones at once. */
    public void stopHandingOut() {
        registry.unclaimed().close();
    }

    /** Drivers waiting in {@link #claimNext} now. */
    public int driversWaiting() {
        return registry.unclaimed().waiting();
    }
}
