package callbridge.talk;

import callbridge.talk.ConversationLog.Line;
import callbridge.talk.ConversationLog.Speaker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The measures of each turn, from the server's times alone: a table of answers and what they make. */
class TurnTimelineTest {
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void replyThenCutIn_everyMeasureFromTheServersTimes() {
        TurnTimeline timeline = new TurnTimeline();
        // The greeting: 0-3000 ms.
        timeline.heard(List.of(), Optional.of(heard(List.of(), spoken("Hola", 0, 3000), Optional.empty(), Optional.empty())), NOW);
        assertEquals(Optional.of(at(3000)), timeline.agentStoppedAt());

        // Our reply, held 500 ms (planned 480), played 3500-4500; the agent answers 4800-6000 (300 ms latency, from the server).
        GenerateClient.LineCue gap = GenerateClient.LineCue.replyAt(at(3480), Duration.ofMillis(480));
        List<Line> reply = timeline.line("Buenas", gap, heard(List.of(), spoken("¿Para cuántos?", 4800, 6000), Optional.of(300L),
                Optional.of(ours(3500, 4500, null))), NOW);
        assertEquals(List.of("user: Buenas gap=500 planned=480", "agent: ¿Para cuántos? latency=300"), describe(reply));

        // Our line, answered once played (6600-7400); then a cut-in 800 ms into the agent's answer (7600-9600), at 8400.
        GenerateClient.LineCue played = timeline.agentStoppedAt().map(stopped -> GenerateClient.LineCue.replyAt(stopped.plus(
                Duration.ofMillis(600)), Duration.ofMillis(600))).orElseThrow().answeredOncePlayed();
        assertEquals(List.of("user: Dos gap=600 planned=600"),
                describe(timeline.line("Dos", played, new TurnAnswer.Played(ours(6600, 7400, null)), NOW)));
        List<Line> cutIn = timeline.line("Perdone", GenerateClient.LineCue.cutIn(Duration.ofMillis(800)),
                heard(List.of(spoken("Perfecto, para dos a las nueve", 7600, 9600)), spoken("¿Sí?", 11000, 11500), Optional.of(700L),
                        Optional.of(ours(8400, 10300, 7600L))), NOW);
        assertEquals(List.of("agent: Perfecto, para dos a las nueve latency=200 keptTalking=1200",
                "user: Perdone cutIn=800 planned=800", "agent: ¿Sí? latency=700"), describe(cutIn));
        assertEquals(Optional.of(at(11500)), timeline.agentStoppedAt());
    }

    @Test
    void cutInThatFoundNoSpeech_isLoggedAsNotSaid() {
        List<Line> turns = new TurnTimeline().line("Perdone", GenerateClient.LineCue.cutIn(Duration.ofMillis(800)),
                new TurnAnswer.Silence(), NOW);
        assertEquals(Optional.of("not said: the agent did not speak, so there was nothing to cut into"), turns.get(0).error());
    }

    @Test
    void cutInStoppedByTheServersBargeIn_saysSo() {
        TurnAnswer.OurSpeech stopped = new TurnAnswer.OurSpeech(Optional.of(at(800)), Optional.empty(), "interrupted", Optional.of(at(0)));
        List<Line> turns = new TurnTimeline().line("Perdone", GenerateClient.LineCue.cutIn(Duration.ofMillis(800)),
                new TurnAnswer.CallEnded("hung up", List.of(), Optional.of(stopped)), NOW);
        assertEquals(true, turns.get(0).error().orElseThrow().contains("BARGE_IN=true"), turns.toString());
    }

    @Test
    void keysPressedAlone_onlyThePlannedGap_noMeasureThatNeedsOurAudio_theAgentsAnswerWithoutLatency() {
        TurnTimeline timeline = new TurnTimeline();
        timeline.heard(List.of(), Optional.of(heard(List.of(), spoken("Pulse 1 para reservas", 0, 3000), Optional.empty(),
                Optional.empty())), NOW);
        GenerateClient.LineCue gap = GenerateClient.LineCue.replyAt(at(3400), Duration.ofMillis(400));

        Line pressed = timeline.pressed(gap, NOW).pressing("1");

        assertEquals(List.of("user:  planned=400"), describe(List.of(pressed)));
        assertEquals("1", pressed.keys());
        // The answer to a /generate without input: the server timed no playback of ours, so no latency.
        List<Line> answer = timeline.heard(List.of(), Optional.of(heard(List.of(), spoken("Reservas, dígame", 4200, 5500),
                Optional.empty(), Optional.empty())), NOW);
        assertEquals(List.of("agent: Reservas, dígame"), describe(answer));
        assertEquals(Optional.of(at(5500)), timeline.agentStoppedAt(), "the next reply's gap runs from the answer to the keys");
    }

    @Test
    void anOldServer_withoutTimes_givesNoMeasures_butEveryTurn() {
        TurnTimeline timeline = new TurnTimeline();
        List<Line> turns = timeline.line("Hola", GenerateClient.LineCue.AT_ONCE, heard(List.of(new TurnAnswer.Spoken("Eh", Optional.empty(), Optional.empty(), Optional.empty())),
                new TurnAnswer.Spoken("Dígame", Optional.empty(), Optional.empty(), Optional.empty()), Optional.of(250L), Optional.empty()), NOW);
        assertEquals(List.of("agent: Eh", "user: Hola", "agent: Dígame latency=250"), describe(turns));
    }

    private static TurnAnswer.Heard heard(List<TurnAnswer.Spoken> earlier, TurnAnswer.Spoken reply, Optional<Long> latency,
                                          Optional<TurnAnswer.OurSpeech> ours) {
        return new TurnAnswer.Heard(earlier, reply, latency, ours);
    }

    private static TurnAnswer.Spoken spoken(String text, long fromMs, long toMs) {
        return new TurnAnswer.Spoken(text, Optional.empty(), Optional.of(at(fromMs)), Optional.of(at(toMs)));
    }

    private static TurnAnswer.OurSpeech ours(long fromMs, long toMs, Long cutIntoMs) {
        return new TurnAnswer.OurSpeech(Optional.of(at(fromMs)), Optional.of(at(toMs)), "played",
                Optional.ofNullable(cutIntoMs).map(TurnTimelineTest::at));
    }

    private static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    private static List<String> describe(List<Line> turns) {
        return turns.stream().map(turn -> {
            StringBuilder line = new StringBuilder(turn.speaker() == Speaker.AGENT ? "agent: " : "user: ").append(turn.text());
            turn.latencyMillis().ifPresent(ms -> line.append(" latency=").append(ms));
            ConversationLog.Timings t = turn.timings();
            t.replyGap().ifPresent(ms -> line.append(" gap=").append(ms));
            t.interruptedAfter().ifPresent(ms -> line.append(" cutIn=").append(ms));
            t.plannedReplyGap().or(t::plannedInterrupt).ifPresent(ms -> line.append(" planned=").append(ms));
            t.keptTalking().ifPresent(ms -> line.append(" keptTalking=").append(ms));
            return line.toString();
        }).toList();
    }
}
