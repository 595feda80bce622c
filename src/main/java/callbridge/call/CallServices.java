package callbridge.call;

import callbridge.speech.SpeechToText;
import callbridge.speech.TextToSpeech;
import callbridge.twilio.CallControl;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The outside services calls use, and the clock; tests pass stand-ins.
 *
 * @param callControl empty when Twilio credentials are missing
 */
public record CallServices(SpeechToText speechToText, TextToSpeech textToSpeech, Optional<CallControl> callControl,
                           Clock clock) {
    public CallServices {
        Objects.requireNonNull(speechToText, "speechToText");
        Objects.requireNonNull(textToSpeech, "textToSpeech");
        Objects.requireNonNull(callControl, "callControl");
        Objects.requireNonNull(clock, "clock");
    }
}
