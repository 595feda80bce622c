package callbridge.audio;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A silence policy decides, frame by frame, how long a pause ends the turn; the settings' window bounds it. */
class SmartTurnEndTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final TurnDetector.Settings SETTINGS = TurnDetector.Settings.withSilence(140);

    @Test
    void fixedPolicy_isThePrototypesRule() {
        TurnDetector detector = new TurnDetector(SETTINGS);
        speak(detector, 20);
        Turn turn = pause(detector, 200).orElseThrow();
        assertEquals(Turn.Ending.SILENCE, turn.ending());
        assertEquals(Duration.ofMillis(140 * 20), turn.endSilence());
    }

    @Test
    void aShorterRule_endsTheTurnSooner_andSaysWhichRuleAndHowLong() {
        TurnDetector detector = new TurnDetector(SETTINGS);
        detector.endTurnsBy(() -> new SilencePolicy.Rule(Turn.Ending.FINISHED_WORDS, 30));
        speak(detector, 20);
        Turn turn = pause(detector, 200).orElseThrow();
        assertEquals(Turn.Ending.FINISHED_WORDS, turn.ending());
        assertEquals(Duration.ofMillis(600), turn.endSilence());
    }

    /** The rule is asked at every silent frame: words that arrive during the pause change it. */
    @Test
    void aRuleThatChangesDuringThePause_isFollowed() {
        TurnDetector detector = new TurnDetector(SETTINGS);
        int[] silentFrames = {0};
        detector.endTurnsBy(() -> silentFrames[0] < 40
                ? new SilencePolicy.Rule(Turn.Ending.SILENCE, 140) // no words yet: the whole window
                : new SilencePolicy.Rule(Turn.Ending.FINISHED_WORDS, 30)); // then a finished sentence
        speak(detector, 20);
        Optional<Turn> turn = Optional.empty();
        while (turn.isEmpty()) {
            turn = detector.accept(new byte[Frames.SAMPLES], false, T0);
            silentFrames[0]++;
        }
        assertEquals(Turn.Ending.FINISHED_WORDS, turn.get().ending());
        assertEquals(41, silentFrames[0], "ended by the first silent frame after the words changed");
    }

    @Test
    void aRuleLongerThanTheWindow_isCutToTheWindow() {
        TurnDetector detector = new TurnDetector(SETTINGS);
        detector.endTurnsBy(() -> new SilencePolicy.Rule(Turn.Ending.UNSURE_WORDS, 10_000));
        speak(detector, 20);
        Turn turn = pause(detector, 200).orElseThrow();
        assertEquals(Turn.Ending.SILENCE, turn.ending());
        assertEquals(Duration.ofMillis(140 * 20), turn.endSilence());
    }

    @Test
    void speechInThePause_startsItAgain() {
        TurnDetector detector = new TurnDetector(SETTINGS);
        detector.endTurnsBy(() -> new SilencePolicy.Rule(Turn.Ending.FINISHED_WORDS, 30));
        speak(detector, 20);
        assertTrue(pause(detector, 29).isEmpty());
        speak(detector, 5);
        assertTrue(pause(detector, 29).isEmpty());
        assertEquals(Turn.Ending.FINISHED_WORDS, pause(detector, 1).orElseThrow().ending());
    }

    private static void speak(TurnDetector detector, int frames) {
        for (int i = 0; i < frames; i++) {
            assertTrue(detector.accept(new byte[Frames.SAMPLES], true, T0).isEmpty());
        }
    }

    private static Optional<Turn> pause(TurnDetector detector, int frames) {
        for (int i = 0; i < frames; i++) {
            Optional<Turn> turn = detector.accept(new byte[Frames.SAMPLES], false, T0);
            if (turn.isPresent()) {
                return turn;
            }
        }
        return Optional.empty();
    }
}
