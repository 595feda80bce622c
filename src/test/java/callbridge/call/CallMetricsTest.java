package callbridge.call;

import callbridge.audio.Turn;
import callbridge.metrics.MetricRegistry;
import callbridge.metrics.PrometheusText;
import callbridge.testing.PrometheusScrape;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the call domain measures of its turns on their way to speech-to-text. */
class CallMetricsTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration SILENCE = Duration.ofMillis(2_800);

    private final MetricRegistry registry = new MetricRegistry();
    private final CallMetrics metrics = CallMetrics.registerIn(registry);

    private static Turn turn(Instant speechEndedAt, Turn.Ending ending) {
        return new Turn(new byte[160], Duration.ZERO, Duration.ZERO, Duration.ofMillis(20), speechEndedAt,
                speechEndedAt, speechEndedAt.plus(SILENCE), ending, SILENCE);
    }

    private PrometheusScrape scrape() {
        return PrometheusScrape.parse(PrometheusText.render(registry));
    }

    @Test
    void sttRequested_delayAfterSpeech_isWhatTheSilenceWindowDoesNotExplain() {
        metrics.sttRequested(turn(NOW.minus(SILENCE).minusMillis(150), Turn.Ending.SILENCE), NOW); // 150 ms late
        metrics.sttRequested(turn(NOW.minus(SILENCE).plusMillis(40), Turn.Ending.SILENCE), NOW);   // frames came early: 0
        metrics.sttRequested(turn(NOW.minusSeconds(30), Turn.Ending.MAX_LENGTH), NOW);  // no window waited: not counted
        metrics.sttRequested(turn(NOW.minusSeconds(30), Turn.Ending.STREAM_END), NOW);

        PrometheusScrape scrape = scrape();
        assertEquals(2, scrape.histogram("callbridge_turn_end_to_stt_seconds").count());
        assertEquals(0.15, scrape.sum("callbridge_turn_end_to_stt_seconds"), 1e-9);
    }

    @Test
    void sttRequested_delayAfterDetection_isTheServersOwnPart_forEveryTurn() {
        // The window ended 12 ms before the request, whenever its frames came; a turn cut at its maximum
        // length has no window but was detected all the same.
        metrics.sttRequested(turn(NOW.minus(SILENCE).minusMillis(12), Turn.Ending.SILENCE), NOW);
        metrics.sttRequested(turn(NOW.minus(SILENCE).minusMillis(3), Turn.Ending.MAX_LENGTH), NOW);

        PrometheusScrape scrape = scrape();
        assertEquals(2, scrape.histogram("callbridge_turn_detected_to_stt_seconds").count());
        assertEquals(0.015, scrape.sum("callbridge_turn_detected_to_stt_seconds"), 1e-9);
    }
}
