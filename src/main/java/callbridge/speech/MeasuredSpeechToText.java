package callbridge.speech;

import callbridge.metrics.MetricRegistry;

import java.util.Objects;

/** A {@link SpeechToText} measured: how long each request takes, and how it fails. */
public final class MeasuredSpeechToText implements SpeechToText {
    private final SpeechToText service;
    private final SpeechRequests requests;

    private MeasuredSpeechToText(SpeechToText service, MetricRegistry metrics) {
        this.service = Objects.requireNonNull(service, "service");
        this.requests = new SpeechRequests(metrics, "stt", "Speech-to-text requests",
                "from sending the audio to its text or failure (retries included)");
    }

    public static MeasuredSpeechToText wrap(SpeechToText service, MetricRegistry metrics) {
        return new MeasuredSpeechToText(service, metrics);
    }

    @Override
    public String transcribe(byte[] mulaw) throws SpeechException {
        return requests.<String, RuntimeException>measure(() -> service.transcribe(mulaw));
    }
}
