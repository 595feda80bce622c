package callbridge.speech;

import java.io.IOException;

/** Speaks text as 8 kHz mu-law, handing audio on while it is still being synthesized. Thread-safe. */
public interface TextToSpeech {
    /** Receives audio as it arrives; throwing stops the synthesis (the call has ended, say). */
    @FunctionalInterface
    interface AudioSink {
        void accept(byte[] mulaw) throws IOException;
    }

    /**
     * Synthesizes {@code text} into {@code audio}, returning once all of it was handed over.
     *
     * @throws SpeechException when the service fails
     * @throws IOException     when {@code audio} failed; the synthesis is abandoned
     */
    void synthesize(String text, AudioSink audio) throws SpeechException, IOException;
}
