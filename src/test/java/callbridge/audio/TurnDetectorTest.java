package callbridge.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The turn rules on scripted frames, no VAD: in a script each character is one 20 ms frame, {@code #}
 * speech and {@code .} silence. Every frame carries its own index in its bytes, so a turn's audio tells
 * exactly which frames it holds.
 */
class TurnDetectorTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    /** A turn and the index of the frame whose {@code accept} returned it. */
    private record Finished(int atFrame, Turn turn) {
    }

    @Test
    void accept_speechAfterLongIdle_turnStartsWithTwoHundredMillisOfPreRoll() {
        TurnDetector detector = new TurnDetector(TurnDetector.Settings.withSilence(140));
        List<Finished> turns = feed(detector, ".".repeat(30) + "#".repeat(10) + ".".repeat(140));

        assertEquals(1, turns.size());
        Finished finished = turns.getFirst();
        Turn turn = finished.turn();
        assertEquals(179, finished.atFrame()); // the 140th silent frame
        assertEquals(Duration.ofMillis(400), turn.audioStart());
        assertEquals(Duration.ofMillis(600), turn.speechStart());
        assertEquals(Duration.ofMillis(800), turn.speechEnd());
        assertEquals(Turn.Ending.SILENCE, turn.ending());
        assertEquals(range(20, 50), framesIn(turn)); // 10 pre-roll, 10 speech, 10 after
        assertEquals(at(30), turn.speechStartedAt());
        assertEquals(at(39), turn.speechEndedAt());
        assertEquals(at(179), turn.detectedAt());
        assertEquals(Duration.ofMillis(200), turn.speechDuration());
        assertEquals(600 * 8, turn.mulaw().length, "600 ms of audio");
    }

    @ParameterizedTest(name = "{0} idle frames before speech")
    @ValueSource(ints = {0, 1, 2, 3, 4, 10})
    void accept_preRoll_isWhatIdleAudioThereWasUpToThreeFrames(int idleFrames) {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 4, 40));
        Turn turn = only(feed(detector, ".".repeat(idleFrames) + "##" + "...."));
        int audioStart = Math.max(0, idleFrames - 3);
        assertEquals(frames(audioStart), turn.audioStart());
        assertEquals(frames(idleFrames), turn.speechStart());
        assertEquals(audioStart, framesIn(turn).getFirst());
    }

    @Test
    void accept_silence_endsTheTurnOnTheLastSilentFrameNotOneEarlier() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 4, 40));
        List<Finished> turns = feed(detector, "..##....");
        assertEquals(1, turns.size());
        assertEquals(7, turns.getFirst().atFrame()); // frames 4, 5, 6, 7 are the four silent ones
    }

    @Test
    void accept_speechInsideTheSilenceWindow_continuesTheTurn() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 4, 40));
        List<Finished> turns = feed(detector, "##...##....");
        assertEquals(1, turns.size());
        assertEquals(10, turns.getFirst().atFrame());
        assertEquals(frames(0), turns.getFirst().turn().speechStart());
        assertEquals(frames(7), turns.getFirst().turn().speechEnd());
    }

    @ParameterizedTest(name = "{0}: audio is frames {1} to {2}")
    @CsvSource({
            // script          first  last   settings: pre-roll 3, silence 6
            "....###......,    1,     9",    // 3 before speech, 3 after
            "###......,        0,     5",    // nothing before to keep
            "#.#......,        0,     5",    // the gap is part of the speech
    })
    void accept_audio_isTrimmedToPreRollEitherSideOfTheSpeech(String script, int first, int last) {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 1, 6, 40));
        assertEquals(range(first, last + 1), framesIn(only(feed(detector, script))));
    }

    @Test
    void accept_silenceShorterThanPreRoll_keepsAllOfIt() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(5, 1, 2, 40));
        assertEquals(range(0, 3), framesIn(only(feed(detector, "#.."))));
    }

    @ParameterizedTest(name = "{0} -> {1} turn(s)")
    @CsvSource({
            // script           turns   settings: at least 3 speech frames
            "..#.......,        0",
            "..##......,        0",
            "..###.....,        1",
            "..#.#.#.....,      1",    // speech frames count within a turn, not only in a row
            "..##....##....,    0",    // two blips with a full silence between stay two blips
    })
    void accept_blipsShorterThanMinSpeech_areDropped(String script, int turns) {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 3, 4, 40));
        assertEquals(turns, feed(detector, script).size());
    }

    @Test
    void accept_turnReachingMaxLength_isCutAndSpeechGoesOnInTheNextTurn() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(2, 2, 4, 10));
        List<Finished> turns = feed(detector, ".." + "#".repeat(22) + "......");

        assertEquals(List.of(9, 19, 27), turns.stream().map(Finished::atFrame).toList());
        assertEquals(List.of(Turn.Ending.MAX_LENGTH, Turn.Ending.MAX_LENGTH, Turn.Ending.SILENCE),
                turns.stream().map(f -> f.turn().ending()).toList());
        // The next turn starts on the very next frame, with no pre-roll: those frames were already sent.
        assertEquals(List.of(frames(2), frames(10), frames(20)), turns.stream().map(f -> f.turn().speechStart()).toList());
        assertEquals(List.of(frames(0), frames(10), frames(20)), turns.stream().map(f -> f.turn().audioStart()).toList());
        assertEquals(List.of(frames(10), frames(20), frames(24)), turns.stream().map(f -> f.turn().speechEnd()).toList());
        // Nothing lost, nothing twice.
        List<Integer> all = turns.stream().flatMap(f -> framesIn(f.turn()).stream()).toList();
        assertEquals(range(0, 26), all);
    }

    @Test
    void accept_speechRightAfterATurnEnded_stillGetsItsPreRoll() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 8, 40));
        List<Finished> turns = feed(detector, "##........" + "##........");
        assertEquals(2, turns.size());
        assertEquals(range(0, 5), framesIn(turns.get(0).turn()));
        assertEquals(frames(7), turns.get(1).turn().audioStart()); // the last 3 of the 8 silent frames
        assertEquals(range(7, 15), framesIn(turns.get(1).turn()));
    }

    @Test
    void accept_speechRightAfterADroppedBlip_stillGetsItsPreRoll() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 3, 4, 40));
        Turn turn = only(feed(detector, "#...." + "###...."));
        assertEquals(frames(2), turn.audioStart());
        assertEquals(frames(5), turn.speechStart());
    }

    @Test
    void finishStream_duringATurn_returnsItWithStreamEnd() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 4, 40));
        assertTrue(feed(detector, "..###.").isEmpty());
        Instant end = at(100);
        Turn turn = detector.finishStream(end).orElseThrow();
        assertEquals(Turn.Ending.STREAM_END, turn.ending());
        assertEquals(end, turn.detectedAt());
        assertEquals(frames(2), turn.speechStart());
        assertEquals(frames(5), turn.speechEnd());
        assertEquals(range(0, 6), framesIn(turn));
        assertEquals(Optional.empty(), detector.finishStream(end)); // and it is gone
    }

    @Test
    void finishStream_idle_returnsNothing() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 4, 40));
        assertEquals(Optional.empty(), detector.finishStream(T0));
        feed(detector, "..##....");
        assertEquals(Optional.empty(), detector.finishStream(T0));
    }

    @Test
    void finishStream_duringABlip_returnsNothing() {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 4, 40));
        feed(detector, "..#.");
        assertEquals(Optional.empty(), detector.finishStream(T0));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 80, 159, 161, 320})
    void accept_frameOfWrongLength_isRejected(int length) {
        TurnDetector detector = new TurnDetector(new TurnDetector.Settings(3, 2, 4, 40));
        assertThrows(IllegalArgumentException.class, () -> detector.accept(new byte[length], true, T0));
    }

    @ParameterizedTest(name = "preRoll={0} minSpeech={1} silence={2} max={3}")
    @CsvSource({
            "-1, 5, 10, 100",
            " 0, 0, 10, 100",
            " 0, 5,  0, 100",
            " 0, 5, 10,  10",   // a turn must be able to outlast its silence window
            " 0, 5, 10,   9",
    })
    void settings_inconsistent_areRejected(int preRoll, int minSpeech, int silence, int max) {
        assertThrows(IllegalArgumentException.class, () -> new TurnDetector.Settings(preRoll, minSpeech, silence, max));
    }

    @Test
    void settings_smallestConsistent_areAccepted() {
        assertEquals(2, new TurnDetector.Settings(0, 1, 1, 2).maxTurnFrames());
    }

    @ParameterizedTest(name = "withSilence({0})")
    @CsvSource({"1, 1500", "140, 1500", "1499, 1500", "1500, 1501", "3000, 3001"})
    void settings_withSilence_keepDefaultsAndRoomForTheSilence(int silence, int max) {
        assertEquals(new TurnDetector.Settings(10, 5, silence, max), TurnDetector.Settings.withSilence(silence));
    }

    /** Frames fed so far to each detector, so frame contents and times number on across feed calls. */
    private static final Map<TurnDetector, Integer> FED = new java.util.IdentityHashMap<>();

    private static List<Finished> feed(TurnDetector detector, String script) {
        List<Finished> finished = new ArrayList<>();
        for (char c : script.toCharArray()) {
            int index = FED.merge(detector, 1, Integer::sum) - 1;
            detector.accept(frame(index), c == '#', at(index)).ifPresent(turn -> finished.add(new Finished(index, turn)));
        }
        return finished;
    }

    private static Turn only(List<Finished> turns) {
        assertEquals(1, turns.size(), "turns");
        return turns.getFirst().turn();
    }

    private static byte[] frame(int index) {
        return ByteBuffer.allocate(Frames.SAMPLES).putInt(index).array();
    }

    private static List<Integer> framesIn(Turn turn) {
        assertEquals(0, turn.mulaw().length % Frames.SAMPLES, "whole frames");
        ByteBuffer audio = ByteBuffer.wrap(turn.mulaw());
        return IntStream.range(0, turn.mulaw().length / Frames.SAMPLES)
                .mapToObj(i -> audio.getInt(i * Frames.SAMPLES)).toList();
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    private static Duration frames(int count) {
        return Duration.ofMillis(20L * count);
    }

    private static Instant at(int frame) {
        return T0.plusMillis(20L * frame);
    }
}
