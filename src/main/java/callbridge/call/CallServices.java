package callbridge.call;

import callbridge.speech.RealtimeSpeechToText;
import callbridge.speech.SpeechToText;
import callbridge.speech.TextToSpeech;
import callbridge.time.Sleeper;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The outside services calls use, and time: the clock calls are stamped with and the sleeper their
 * timers wait with; and the metrics calls count into. Tests pass stand-ins, and a clock and sleeper they
 * move by hand.
 *
 * @param callControl empty when Twilio credentials are missing
 * @param realtime    realtime speech-to-text ({@code STT_MODE=realtime}), with {@code speechToText} as its
 *                    fallback; empty: every turn is one batch request
 */
public record CallServices(SpeechToText speechToText, TextToSpeech textToSpeech, Optional<CallControl> callControl,
                           Clock clock, Sleeper sleeper, CallMetrics metrics, Optional<RealtimeSpeechToText> realtime) {
    public CallServices {
        Objects.requireNonNull(speechToText, "speechToText");
        Objects.requireNonNull(textToSpeech, "textToSpeech");
        Objects.requireNonNull(callControl, "callControl");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(realtime, "realtime");
    }
}
