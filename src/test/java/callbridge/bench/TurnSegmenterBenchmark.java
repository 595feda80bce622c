package callbridge.bench;

import callbridge.audio.TurnDetector;
import callbridge.audio.TurnSegmenter;
import callbridge.audio.WebRtcVad;
import callbridge.testing.SpeechClips;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per-call cost of listening: one minute of call audio (the committed clips with pauses between them)
 * through the inbound path (re-framing, mu-law decoding, WebRTC VAD, turn detection), in 160-byte
 * payloads as Twilio sends them. Reports the CPU time per 20 ms frame and how many seconds of audio one
 * core handles per second, over repeated runs (median and spread), after a warm-up.
 *
 * <p>Run: {@code ./run.sh bench -Dtest=TurnSegmenterBenchmark}
 */
@Tag("benchmark")
class TurnSegmenterBenchmark {
    private static final int RUNS = 15;

    @Test
    void inboundAudioPath() {
        byte[] minute = oneMinuteOfCallAudio();
        int frames = minute.length / 160;
        for (int warmUp = 0; warmUp < 5; warmUp++) {
            process(minute);
        }
        List<Long> nanosPerFrame = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            long started = System.nanoTime();
            int turns = process(minute);
            nanosPerFrame.add((System.nanoTime() - started) / frames);
            assertEquals(expectedTurns(), turns, "every sentence is one turn");
        }
        nanosPerFrame.sort(null);
        long median = nanosPerFrame.get(RUNS / 2);
        System.out.printf("BENCH inbound audio path: %d ns per 20 ms frame (median of %d runs, min %d, max %d);"
                        + " one core keeps up with %.0f calls%n",
                median, RUNS, nanosPerFrame.getFirst(), nanosPerFrame.getLast(), 20_000_000.0 / median);
    }

    private static int process(byte[] audio) {
        try (TurnSegmenter segmenter = new TurnSegmenter(WebRtcVad.create(3), TurnDetector.Settings.withSilence(140))) {
            int turns = 0;
            Instant now = Instant.EPOCH;
            for (int offset = 0; offset < audio.length; offset += 160) {
                turns += segmenter.accept(Arrays.copyOfRange(audio, offset, offset + 160), now).size();
            }
            return turns;
        }
    }

    private static int expectedTurns() {
        return 4 * repetitions();
    }

    private static int repetitions() {
        long oneRound = SpeechClips.ALL.stream().mapToLong(clip -> SpeechClips.load(clip).length + 3 * 8000L).sum();
        return (int) (60 * 8000L / oneRound);
    }

    /** The four clips, each followed by 3 s of silence, repeated to about a minute. */
    private static byte[] oneMinuteOfCallAudio() {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (int i = 0; i < repetitions(); i++) {
            for (String clip : SpeechClips.ALL) {
                audio.writeBytes(SpeechClips.load(clip));
                audio.writeBytes(SpeechClips.silence(Duration.ofSeconds(3)));
            }
        }
        byte[] bytes = audio.toByteArray();
        return Arrays.copyOf(bytes, bytes.length - bytes.length % 160);
    }
}
