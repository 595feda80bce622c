package callbridge.call;

import callbridge.metrics.Counter;
import callbridge.metrics.Histogram;
import callbridge.metrics.LabeledCounter;
import callbridge.metrics.MetricRegistry;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the call domain counts: turns heard, calls ended and why, our audio sent, and how soon speech
 * reaches the call once text-to-speech has begun answering. Made once per server, in the registry it exports.
 */
public final class CallMetrics {
    private final Counter turnsDetected;
    private final LabeledCounter callsEnded;
    private final Counter mediaSent;
    private final Histogram firstAudioToMedia;

    private CallMetrics(MetricRegistry metrics) {
        this.turnsDetected = metrics.counter("callbridge_turns_detected_total",
                "Far-end turns the turn detector finished and handed to speech-to-text.");
        this.callsEnded = metrics.counter("callbridge_calls_ended_total",
                "Call sessions ended, by why (stream_replaced: the call goes on in a new stream).",
                "reason", Arrays.stream(CallEnd.Reason.values()).map(CallMetrics::label).toList());
        this.mediaSent = metrics.counter("callbridge_media_messages_sent_total",
                "media messages of our speech written to calls' media streams (each a whole number of 20 ms frames).");
        this.firstAudioToMedia = metrics.histogram("callbridge_tts_first_audio_to_media_seconds",
                "From text-to-speech's first audio arriving to the first media message of it written to the call.");
    }

    public static CallMetrics registerIn(MetricRegistry metrics) {
        return new CallMetrics(metrics);
    }

    void turnDetected() {
        turnsDetected.increment();
    }

    void callEnded(CallEnd end) {
        callsEnded.labeled(label(end.reason())).increment();
    }

    /**
     * A media message of our speech went out.
     *
     * @param firstOfSpeech   the speech's first one
     * @param firstAudioNanos when text-to-speech's first audio of the speech came ({@link System#nanoTime()})
     */
    void mediaSent(boolean firstOfSpeech, long firstAudioNanos) {
        mediaSent.increment();
        if (firstOfSpeech) {
            firstAudioToMedia.observeSince(firstAudioNanos);
        }
    }

    /** {@code HUNG_UP} is {@code hung_up}: the label value for a reason. */
    static String label(CallEnd.Reason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
