package callbridge.audio;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole inbound path with the real WebRTC VAD: mu-law payloads of any size in, turns out. */
class TurnSegmenterTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    /** Payload sizes that never line up with 20 ms frames. */
    private static final int[] PAYLOAD_SIZES = {1, 77, 159, 161, 333, 17, 480};

    @Test
    void accept_voiceBetweenSilences_yieldsOneTurnWhereTheVoiceIs() {
        byte[] stream = concat(silence(1_000), SyntheticVoice.mulaw(1_500, 10_000), silence(3_000));
        try (TurnSegmenter segmenter = new TurnSegmenter(WebRtcVad.create(3), TurnDetector.Settings.withSilence(140))) {
            List<Turn> turns = feed(segmenter, stream);

            assertEquals(1, turns.size(), "turns");
            Turn turn = turns.getFirst();
            assertEquals(Turn.Ending.SILENCE, turn.ending());
            assertNear(Duration.ofMillis(1_000), turn.speechStart(), Duration.ofMillis(100), "speech start");
            assertNear(Duration.ofMillis(2_500), turn.speechEnd(), Duration.ofMillis(300), "speech end");
            assertEquals(turn.speechStart().minusMillis(200), turn.audioStart());
            int from = (int) turn.audioStart().toMillis() * 8; // 8 mu-law bytes a millisecond
            assertArrayEquals(Arrays.copyOfRange(stream, from, from + turn.mulaw().length), turn.mulaw());
            assertEquals(Optional.empty(), segmenter.finish(T0));
        }
    }

    @Test
    void finish_whileTheVoiceGoesOn_returnsTheTurnSoFar() {
        byte[] stream = concat(silence(500), SyntheticVoice.mulaw(1_000, 10_000));
        try (TurnSegmenter segmenter = new TurnSegmenter(WebRtcVad.create(3), TurnDetector.Settings.withSilence(140))) {
            assertTrue(feed(segmenter, stream).isEmpty());
            Turn turn = segmenter.finish(T0).orElseThrow();
            assertEquals(Turn.Ending.STREAM_END, turn.ending());
            assertNear(Duration.ofMillis(500), turn.speechStart(), Duration.ofMillis(100), "speech start");
            assertNear(Duration.ofMillis(1_500), turn.speechEnd(), Duration.ofMillis(20), "speech end");
        }
    }

    @Test
    void accept_onlySilence_yieldsNoTurn() {
        try (TurnSegmenter segmenter = new TurnSegmenter(WebRtcVad.create(3), TurnDetector.Settings.withSilence(140))) {
            assertTrue(feed(segmenter, silence(4_000)).isEmpty());
            assertEquals(Optional.empty(), segmenter.finish(T0));
        }
    }

    private static List<Turn> feed(TurnSegmenter segmenter, byte[] stream) {
        List<Turn> turns = new ArrayList<>();
        int offset = 0;
        for (int i = 0; offset < stream.length; i++) {
            int size = Math.min(PAYLOAD_SIZES[i % PAYLOAD_SIZES.length], stream.length - offset);
            turns.addAll(segmenter.accept(Arrays.copyOfRange(stream, offset, offset + size), T0.plusMillis(offset / 8)));
            offset += size;
        }
        return turns;
    }

    private static byte[] silence(int millis) {
        byte[] silence = new byte[millis * 8];
        Arrays.fill(silence, MuLaw.SILENCE);
        return silence;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }

    private static void assertNear(Duration expected, Duration actual, Duration tolerance, String what) {
        assertTrue(actual.minus(expected).abs().compareTo(tolerance) <= 0,
                what + ": expected " + expected.toMillis() + " ms ± " + tolerance.toMillis() + ", got " + actual.toMillis());
    }
}
