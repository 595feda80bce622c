package callbridge.speech;

import callbridge.audio.Turn;
import callbridge.metrics.Histogram;
import callbridge.metrics.MetricRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link SpeechToText} measured: how long each request takes, how it fails, and how long after its
 * turn's speech it began. Requests begin when a call's transcriber takes the turn, so the last two figures
 * are the delay in ending turns: from the end of the speech, less the silence window that must pass before
 * a turn is over, to the request; and the server's own part of that, from the frame that completed the
 * window to the request (a turn waiting behind the call's previous one, a busy scheduler). The difference
 * is frames that came late: the window is counted in frames, and they arrive when the network brings them.
 */
public final class MeasuredSpeechToText implements SpeechToText {
    private final SpeechToText service;
    private final Clock clock;
    private final SpeechRequests requests;
    private final Histogram afterSpeech;
    private final Histogram afterDetection;

    private MeasuredSpeechToText(SpeechToText service, MetricRegistry metrics, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requests = new SpeechRequests(metrics, "stt", "Speech-to-text requests",
                "from sending a turn to its text or failure (retries included)");
        this.afterSpeech = metrics.histogram("callbridge_turn_end_to_stt_seconds",
                "From the end of a turn's speech to its speech-to-text request, beyond the pause that ended the turn.");
        this.afterDetection = metrics.histogram("callbridge_turn_detected_to_stt_seconds",
                "From the frame that ended a turn to the turn's speech-to-text request.");
    }

    /** @param clock the clock turns are stamped with */
    public static MeasuredSpeechToText wrap(SpeechToText service, MetricRegistry metrics, Clock clock) {
        return new MeasuredSpeechToText(service, metrics, clock);
    }

    @Override
    public String transcribe(Turn turn) throws SpeechException {
        // Only a turn that a pause ended waited for it; one cut at its maximum length or by the stream's end
        // did not. A wall clock that stepped back counts as no delay.
        Instant now = clock.instant();
        if (turn.ending().endedByPause() && turn.speechEndedAt() != null) {
            afterSpeech.observe(Duration.between(turn.speechEndedAt(), now).minus(turn.endSilence()));
        }
        if (turn.detectedAt() != null) {
            afterDetection.observe(Duration.between(turn.detectedAt(), now));
        }
        return requests.<String, RuntimeException>measure(() -> service.transcribe(turn));
    }
}
