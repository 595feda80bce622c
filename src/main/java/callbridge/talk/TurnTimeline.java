package callbridge.talk;

import callbridge.talk.ConversationLog.Line;
import callbridge.talk.ConversationLog.Speaker;
import callbridge.talk.ConversationLog.Timings;
import callbridge.talk.TurnAnswer.Spoken;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One conversation's turns with their turn-taking measures, all taken from the server's own times of both
 * sides' speech: one clock, so a server on another machine skews nothing, and none of talk's own delays
 * (the end of turn being recognised, the request's round trip) count. Measures: the agent's response latency
 * (our line's end of playback to its first speech), our reply gap (its last speech to our first audio),
 * how far into its speech we cut in, and how long it kept talking after we did.
 */
final class TurnTimeline {
    /** When the agent's latest speech ended: the gap of our next reply runs from there. */
    private Optional<Instant> agentStoppedAt = Optional.empty();
    /**
     * When our line that was answered once played ({@code answer=played}) ended: the server timed no answer
     * to it, so the agent's next speech's latency is measured here.
     */
    private Optional<Instant> unansweredLineEndedAt = Optional.empty();

    /** When the agent last stopped speaking, on the server's clock, if it has spoken. */
    Optional<Instant> agentStoppedAt() {
        return agentStoppedAt;
    }

    /**
     * What the agent said without a line of ours (its greeting, or after keys pressed alone): {@code earlier},
     * then the answer, if any, with the latency the server gives (none when nothing of ours played before it).
     */
    List<Line> heard(List<Spoken> earlier, Optional<TurnAnswer.Heard> answer, Instant now) {
        List<Line> turns = new ArrayList<>();
        earlier.forEach(spoken -> turns.add(agent(spoken, now, Optional.empty(), Optional.empty())));
        answer.ifPresent(heard -> turns.add(agent(heard.reply(), now, heard.latencyMillis(), Optional.empty())));
        return turns;
    }

    /**
     * Our line {@code text}, said with {@code cue}, and what the agent said around it as {@code answer} tells:
     * first what it began before our line (among it, with a cut-in, the speech we cut into), then our line,
     * then its answer.
     */
    List<Line> line(String text, GenerateClient.LineCue cue, TurnAnswer answer, Instant now) {
        Optional<TurnAnswer.OurSpeech> ours = switch (answer) {
            case TurnAnswer.Heard heard -> heard.ours();
            case TurnAnswer.CallEnded ended -> ended.ours();
            case TurnAnswer.Played played -> Optional.of(played.ours());
            case TurnAnswer.Silence silence -> Optional.empty();
        };
        List<Spoken> earlier = switch (answer) {
            case TurnAnswer.Heard heard -> heard.earlier();
            case TurnAnswer.CallEnded ended -> ended.earlier();
            default -> List.of();
        };
        Optional<Instant> ourStart = ours.flatMap(TurnAnswer.OurSpeech::startedAt);
        Optional<Instant> cutInto = ours.flatMap(TurnAnswer.OurSpeech::cutIntoSpeechStartedAt);
        Optional<Instant> stoppedBeforeUs = agentStoppedAt;
        List<Line> turns = new ArrayList<>();
        for (Spoken spoken : earlier) {
            Optional<Long> keptTalking = cutInto.isPresent() && spoken.startedAt().equals(cutInto)
                    ? between(ourStart, spoken.endedAt()) : Optional.empty();
            turns.add(agent(spoken, now, latencyAfterUnansweredLine(spoken), keptTalking));
            if (spoken.endedAt().isPresent() && ourStart.isPresent() && !spoken.endedAt().get().isAfter(ourStart.get())) {
                stoppedBeforeUs = later(stoppedBeforeUs, spoken.endedAt());
            }
        }
        Timings timings = cue.cutInAfter().isPresent()
                ? new Timings(Optional.empty(), Optional.empty(), between(cutInto, ourStart), cue.cutInAfter().map(Duration::toMillis),
                        Optional.empty())
                : new Timings(between(stoppedBeforeUs, ourStart), cue.plannedGap().map(Duration::toMillis), Optional.empty(),
                        Optional.empty(), Optional.empty());
        Optional<String> problem = Optional.empty();
        if (cue.cutInAfter().isPresent() && ours.isEmpty()) {
            problem = Optional.of("not said: the agent did not speak, so there was nothing to cut into");
        } else if (cue.cutInAfter().isPresent() && ours.get().stoppedByBargeIn()) {
            // The agent was already talking, so the server's barge-in took our deliberate cut-in for the agent
            // talking over us, and stopped it.
            problem = Optional.of("cut short by the server's barge-in (BARGE_IN=true): run the server without it to interrupt");
        }
        turns.add(new Line(Speaker.USER, text, now, Optional.empty(), problem, timings));
        if (answer instanceof TurnAnswer.Heard heard) {
            turns.add(agent(heard.reply(), now, heard.latencyMillis(), Optional.empty()));
        }
        if (answer instanceof TurnAnswer.Played) {
            unansweredLineEndedAt = ours.flatMap(TurnAnswer.OurSpeech::endedAt);
        }
        return turns;
    }

    /**
     * Our turn of keys pressed alone, cued as {@code cue}: no words. The server never sees keys (the carrier
     * carries them) and nothing of ours played, so every measure that needs our first audio or our playback's
     * end is absent (our reply gap, the latency of the agent's answer: see {@link #heard}); only the gap we
     * planned is kept.
     */
    Line pressed(GenerateClient.LineCue cue, Instant now) {
        return new Line(Speaker.USER, "", now, Optional.empty(), Optional.empty(),
                new Timings(Optional.empty(), cue.plannedGap().map(Duration::toMillis), Optional.empty(), Optional.empty(),
                        Optional.empty()));
    }

    /** The agent's speech; its end becomes the reference of our next reply's gap. */
    private Line agent(Spoken spoken, Instant now, Optional<Long> latency, Optional<Long> keptTalking) {
        agentStoppedAt = later(agentStoppedAt, spoken.endedAt());
        return new Line(Speaker.AGENT, spoken.text(), now, latency, spoken.error(),
                new Timings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), keptTalking));
    }

    /** The latency of the agent's first speech after a line the server timed no answer to; once. */
    private Optional<Long> latencyAfterUnansweredLine(Spoken spoken) {
        Optional<Long> latency = between(unansweredLineEndedAt, spoken.startedAt());
        unansweredLineEndedAt = Optional.empty();
        return latency;
    }

    private static Optional<Long> between(Optional<Instant> from, Optional<Instant> to) {
        return from.isPresent() && to.isPresent() ? Optional.of(Duration.between(from.get(), to.get()).toMillis()) : Optional.empty();
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.get().isAfter(a.get()) ? b : a;
    }
}
