package callbridge.call;

import callbridge.audio.Turn;
import callbridge.metrics.Counter;
import callbridge.metrics.Histogram;
import callbridge.metrics.LabeledCounter;
import callbridge.metrics.MetricRegistry;
import callbridge.speech.SpeechException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the call domain counts: turns heard (and which rule ended them, how soon after their speech they
 * went to speech-to-text, how they were transcribed), calls ended and why, realtime speech-to-text given
 * up, our audio sent, and how soon speech reaches the call once text-to-speech has begun answering. Made
 * once per server, in the registry it exports.
 */
public final class CallMetrics {
    private final Counter turnsDetected;
    private final LabeledCounter callsEnded;
    private final Counter mediaSent;
    private final Histogram firstAudioToMedia;
    private final LabeledCounter turnsEnded;
    private final LabeledCounter turnsTranscribed;
    private final LabeledCounter realtimeFailures;
    private final Counter bargeIns;
    private final Histogram endToStt;
    private final Histogram detectedToStt;

    private CallMetrics(MetricRegistry metrics) {
        this.turnsDetected = metrics.counter("callbridge_turns_detected_total",
                "Far-end turns the turn detector finished and handed to speech-to-text.");
        this.callsEnded = metrics.counter("callbridge_calls_ended_total",
                "Call sessions ended, by why (a restarted stream is no end: the call goes on).",
                "reason", Arrays.stream(CallEnd.Reason.values()).map(CallMetrics::label).toList());
        this.mediaSent = metrics.counter("callbridge_media_messages_sent_total",
                "media messages of our speech written to calls' media streams (each a whole number of 20 ms frames).");
        this.firstAudioToMedia = metrics.histogram("callbridge_tts_first_audio_to_media_seconds",
                "From text-to-speech's first audio arriving to the first media message of it written to the call.");
        this.turnsEnded = metrics.counter("callbridge_turns_ended_total",
                "Far-end turns by the rule that ended them: the silence window, a short pause after finished words,"
                        + " a middle one after unsure words, the maximum length, the stream's end.",
                "rule", Arrays.stream(Turn.Ending.values()).map(Turn.Ending::word).toList());
        this.turnsTranscribed = metrics.counter("callbridge_turns_transcribed_total",
                "Far-end turns by how their text was made: realtime speech-to-text, a batch request (the default,"
                        + " or realtime's fallback), or none (failed).",
                "by", Arrays.stream(Utterance.TranscribedBy.values()).map(Utterance.TranscribedBy::word).toList());
        List<String> failures = new ArrayList<>(Arrays.stream(SpeechException.Kind.values()).map(SpeechException.Kind::label).toList());
        failures.add("stalled");
        this.realtimeFailures = metrics.counter("callbridge_stt_realtime_failures_total",
                "Realtime speech-to-text sessions given up, by why (stalled: a commit not answered in time);"
                        + " their turns are transcribed by batch requests.", "kind", failures);
        this.bargeIns = metrics.counter("callbridge_barge_ins_total",
                "Times the far end talked over our speech long enough to stop it (BARGE_IN=true).");
        this.endToStt = metrics.histogram("callbridge_turn_end_to_stt_seconds",
                "From the end of a turn's speech to its speech-to-text request, beyond the pause that ended the turn.");
        this.detectedToStt = metrics.histogram("callbridge_turn_detected_to_stt_seconds",
                "From the frame that ended a turn to the turn's speech-to-text request.");
    }

    public static CallMetrics registerIn(MetricRegistry metrics) {
        return new CallMetrics(metrics);
    }

    void turnDetected(Turn.Ending ending) {
        turnsDetected.increment();
        turnsEnded.labeled(ending.word()).increment();
    }

    /**
     * A turn's speech-to-text request begins {@code now}: the delay in ending turns. From the end of the
     * speech, less the pause that must pass before a turn is over; and the server's own part of that, from
     * the frame that completed the pause to the request (a turn waiting behind the call's previous one, a
     * busy scheduler). The difference is frames that came late: the pause is counted in frames, and they
     * arrive when the network brings them. Only a turn a pause ended waited for one: a turn cut at its
     * maximum length or by the stream's end counts in the second figure only. A wall clock that stepped back
     * counts as no delay.
     */
    void sttRequested(Turn turn, Instant now) {
        if (turn.ending().endedByPause() && turn.speechEndedAt() != null) {
            endToStt.observe(Duration.between(turn.speechEndedAt(), now).minus(turn.endSilence()));
        }
        if (turn.detectedAt() != null) {
            detectedToStt.observe(Duration.between(turn.detectedAt(), now));
        }
    }

    void turnTranscribed(Utterance.TranscribedBy by) {
        turnsTranscribed.labeled(by.word()).increment();
    }

    void bargeIn() {
        bargeIns.increment();
    }

    /** @param kind a {@link SpeechException.Kind} label, or {@code stalled} */
    void realtimeFailed(String kind) {
        realtimeFailures.labeled(kind).increment();
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
