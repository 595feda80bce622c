package callbridge.call;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The live calls as {@code GET /calls} shows them: each at a glance, and the new calls waiting for a driver
 * to claim them ({@code GET /calls/next}). A call's record is its records' to show.
 */
public final class CallDirectory {
    /**
     * A live call at a glance.
     *
     * @param state {@code listening}, {@code far_end_speaking}, {@code playing} (our speech), or {@code ending}
     * @param age   since its stream started
     */
    public record LiveCall(String callSid, String streamSid, Optional<String> from, Optional<String> to, String state,
                           boolean generating, Duration age) {
    }

    private final CallRegistry registry;
    private final Clock clock;

    CallDirectory(CallRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The live calls, oldest first. */
    public List<LiveCall> live() {
        return registry.liveSessions().stream()
                .map(session -> {
                    CallStart start = session.start();
                    return new LiveCall(session.callSid(), session.streamSid(), start.from(), start.to(), session.state(),
                            session.turnHeld(), Duration.between(start.startedAt(), clock.instant()));
                })
                .sorted(Comparator.comparing(LiveCall::age).reversed())
                .toList();
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

    /**
     * Drivers waiting in {@link #claimNext} now: a gauge on {@code /metrics}, where none while new calls come
     * means nobody is driving this instance's calls.
     */
    public int driversWaiting() {
        return registry.unclaimed().waiting();
    }
}
