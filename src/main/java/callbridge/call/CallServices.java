package callbridge.call;

import callbridge.speech.SpeechToText;
import callbridge.speech.TextToSpeech;

import java.time.Clock;
import java.util.Objects;

/** The outside services every call uses, and the clock; tests pass stand-ins. */
public record CallServices(SpeechToText speechToText, TextToSpeech textToSpeech, Clock clock) {
    public CallServices {
        Objects.requireNonNull(speechToText, "speechToText");
        Objects.requireNonNull(textToSpeech, "textToSpeech");
        Objects.requireNonNull(clock, "clock");
    }
}
