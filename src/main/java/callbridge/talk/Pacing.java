package callbridge.talk;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The timing decisions of one conversation's user, drawn from its own random source: how long to wait after
 * the agent stops before replying, and whether to cut into the agent's answer to a line, and how far in.
 */
final class Pacing {
    private final HumanPace pace;
    private final RandomGenerator random;

    Pacing(HumanPace pace, RandomGenerator random) {
        this.pace = pace;
        this.random = random;
    }

    /**
     * The cue for a reply: not before a gap drawn from the range after the agent's speech ended. The server
     * holds the line ({@code reply_at}), because only it knows, on one clock, when the agent stopped and when
     * our first audio goes out; talk knows neither (its answer comes after the end of turn was recognised, and
     * the speech is synthesised after the request). No gap when none is asked, or when the agent has not
     * spoken yet.
     */
    GenerateClient.LineCue reply(Optional<Instant> agentStoppedAt) {
        if (pace.replyGap().isNone() || agentStoppedAt.isEmpty()) {
            return GenerateClient.LineCue.AT_ONCE;
        }
        Duration gap = pace.replyGap().draw(random);
        return GenerateClient.LineCue.replyAt(agentStoppedAt.get().plus(gap), gap);
    }

    /**
     * How long to wait from {@code now} before pressing keys alone for a reply cued as {@code cue}: a spoken line
     * is held by the server until {@code reply_at}, but keys go through the carrier and the server never sees
     * them, so talk waits itself. It reads {@code reply_at} (the server's clock) on its own clock, which is the
     * same clock when the server runs beside it, as with {@code --local-agent}, the one carrier that presses
     * keys; never longer than the gap drawn, nor less than nothing, so a clock that differs costs a person's
     * pause at most. Usually little is left: talk hears the agent only once its end of turn was recognised.
     */
    static Duration pauseBeforeKeys(GenerateClient.LineCue cue, Instant now) {
        if (cue.replyAt().isEmpty() || cue.plannedGap().isEmpty()) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, cue.replyAt().get());
        return left.isNegative() ? Duration.ZERO : left.compareTo(cue.plannedGap().get()) > 0 ? cue.plannedGap().get() : left;
    }

    /**
     * How far into the agent's answer to the line now being said the user's next line cuts in, if it does:
     * as the script marks it, or else by a draw with {@code --interrupt-probability}. Never after the last line.
     */
    Optional<Duration> cutIntoAnswer(UserSide.Say say, Optional<Duration> scripted) {
        if (say.last()) {
            return Optional.empty();
        }
        if (scripted.isPresent()) {
            return scripted;
        }
        if (pace.interruptProbability() > 0 && random.nextDouble() < pace.interruptProbability()) {
            return Optional.of(pace.interruptAfter().draw(random));
        }
        return Optional.empty();
    }
}
