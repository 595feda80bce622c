package callbridge.talk;

import callbridge.config.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user's timing: ranges, the seeded draws, when a line cuts in, and the script's interruption markers. */
class PacingTest {
    private static final Instant STOPPED = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    private Path dir;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            300-700     | 300-700
            ' 200 - 600 ' | 200-600
            500         | 500
            0           | 0
            700-300     | bad
            -5          | bad
            1.5-2       | bad
            soon        | bad
            ''          | bad
            """)
    void millisRange_parse(String text, String expected) {
        assertEquals(expected, MillisRange.parse(text).map(MillisRange::toString).orElse("bad"));
    }

    @Test
    void millisRange_drawsStayInside_andOneValueIsThatValue() {
        Random random = new Random(1);
        MillisRange range = new MillisRange(200, 210);
        for (int i = 0; i < 1_000; i++) {
            long drawn = range.draw(random).toMillis();
            assertTrue(drawn >= 200 && drawn <= 210, "drawn " + drawn);
        }
        assertEquals(Duration.ofMillis(500), new MillisRange(500, 500).draw(random));
    }

    @Test
    void reply_isHeldTheDrawnGapAfterTheAgentStopped_andTheSameSeedDrawsTheSameGaps() {
        HumanPace pace = new HumanPace(new MillisRange(300, 700), 0, HumanPace.DEFAULT_INTERRUPT_AFTER, OptionalLong.of(42));
        Pacing first = new Pacing(pace, pace.randomFor(0));
        Pacing again = new Pacing(pace, pace.randomFor(0));
        for (int line = 0; line < 5; line++) {
            GenerateClient.LineCue cue = first.reply(Optional.of(STOPPED));
            Duration gap = cue.plannedGap().orElseThrow();
            assertEquals(Optional.of(STOPPED.plus(gap)), cue.replyAt());
            assertTrue(gap.toMillis() >= 300 && gap.toMillis() <= 700, gap.toString());
            assertEquals(cue, again.reply(Optional.of(STOPPED)), "the same seed, the same gaps");
        }
    }

    @Test
    void reply_withoutAGap_orBeforeTheAgentSpoke_isAtOnce() {
        HumanPace none = new HumanPace(MillisRange.NONE, 0, HumanPace.DEFAULT_INTERRUPT_AFTER, OptionalLong.of(1));
        assertEquals(GenerateClient.LineCue.AT_ONCE, new Pacing(none, new Random(1)).reply(Optional.of(STOPPED)));
        assertEquals(GenerateClient.LineCue.AT_ONCE, new Pacing(HumanPace.DEFAULT, new Random(1)).reply(Optional.empty()));
    }

    @ParameterizedTest(name = "reply_at +{0} ms, gap {1} ms -> wait {2} ms")
    @CsvSource(delimiter = '|', textBlock = """
            500   | 500 | 500
            200   | 500 | 200
            0     | 500 | 0
            -300  | 500 | 0
            9000  | 500 | 500
            """)
    void pauseBeforeKeys_whatIsLeftOfTheGap_neverMoreThanTheGap_neverLessThanNothing(long replyAtFromNow, long gap, long expected) {
        Instant now = STOPPED.plusSeconds(1);
        GenerateClient.LineCue cue = GenerateClient.LineCue.replyAt(now.plusMillis(replyAtFromNow), Duration.ofMillis(gap));
        assertEquals(Duration.ofMillis(expected), Pacing.pauseBeforeKeys(cue, now));
    }

    @Test
    void pauseBeforeKeys_atOnce_whenNoGapIsCued() {
        assertEquals(Duration.ZERO, Pacing.pauseBeforeKeys(GenerateClient.LineCue.AT_ONCE, STOPPED));
    }

    @Test
    void cutIntoAnswer_scriptedWins_drawnByProbability_neverAfterTheLastLine() {
        UserSide.Say line = new UserSide.Say("Hola", false);
        HumanPace never = new HumanPace(HumanPace.DEFAULT_REPLY_GAP, 0, new MillisRange(800, 900), OptionalLong.empty());
        HumanPace always = new HumanPace(HumanPace.DEFAULT_REPLY_GAP, 1, new MillisRange(800, 900), OptionalLong.empty());
        assertEquals(Optional.empty(), new Pacing(never, new Random(1)).cutIntoAnswer(line, Optional.empty()));
        assertEquals(Optional.of(Duration.ofMillis(300)),
                new Pacing(never, new Random(1)).cutIntoAnswer(line, Optional.of(Duration.ofMillis(300))));
        long drawn = new Pacing(always, new Random(1)).cutIntoAnswer(line, Optional.empty()).orElseThrow().toMillis();
        assertTrue(drawn >= 800 && drawn <= 900, "drawn " + drawn);
        assertEquals(Optional.empty(), new Pacing(always, new Random(1)).cutIntoAnswer(new UserSide.Say("Adiós", true),
                Optional.of(Duration.ofMillis(300))), "nothing is said after the last line");
    }

    @Test
    void script_interruptMarker_cutsTheNextLineIntoTheAgentsAnswer() throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("[interrupt 400ms] Perdone", "Hola", "[INTERRUPT 800 ms]   ¿A qué hora?", "Adiós"));
        ScriptedUser user = new ScriptedUser(ScriptedUser.read(file));
        assertEquals(Optional.of(Duration.ofMillis(400)), user.nextCutsIn(), "the first line cuts into the greeting");
        assertEquals(new UserSide.Say("Perdone", false), user.next());
        assertEquals(Optional.empty(), user.nextCutsIn());
        assertEquals(new UserSide.Say("Hola", false), user.next());
        assertEquals(Optional.of(Duration.ofMillis(800)), user.nextCutsIn());
        assertEquals(new UserSide.Say("¿A qué hora?", false), user.interject());
        assertEquals(new UserSide.Say("Adiós", true), user.next());
        assertEquals(Optional.empty(), user.nextCutsIn());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[interrupt] Perdone", "[interrupt 800] Perdone", "[interrupt 800ms]", "[interrupt -5ms] Perdone",
            "[interrupt 1.5s] Perdone", "[interrupt 60001ms] Perdone"})
    void script_badInterruptMarker_isAUsageErrorQuotingTheLine(String line) throws Exception {
        Path file = Files.write(dir.resolve("s.txt"), List.of("Hola", line));
        UsageException e = assertThrows(UsageException.class, () -> ScriptedUser.read(file));
        assertTrue(e.getMessage().contains(line), e.getMessage());
    }
}
