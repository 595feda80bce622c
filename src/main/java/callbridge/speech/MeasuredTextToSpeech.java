package callbridge.speech;

import callbridge.metrics.Histogram;
import callbridge.metrics.MetricRegistry;

import java.io.IOException;
import java.util.Objects;

/**
 * A {@link TextToSpeech} measured: how long until its first audio, how long in all, and how it fails. The
 * audio sink failing (the call ended while we spoke) is not the service's failure and is not counted as one.
 */
public final class MeasuredTextToSpeech implements TextToSpeech {
    private final TextToSpeech service;
    private final Histogram firstAudio;
    private final SpeechRequests requests;

    private MeasuredTextToSpeech(TextToSpeech service, MetricRegistry metrics) {
        this.service = Objects.requireNonNull(service, "service");
        this.firstAudio = metrics.histogram("callbridge_tts_first_audio_seconds",
                "Text-to-speech requests, from sending the text to the first audio back.");
        this.requests = new SpeechRequests(metrics, "tts", "Text-to-speech requests",
                "from sending the text to the last audio handed on, or the failure");
    }

    public static MeasuredTextToSpeech wrap(TextToSpeech service, MetricRegistry metrics) {
        return new MeasuredTextToSpeech(service, metrics);
    }

    @Override
    public void synthesize(String text, AudioSink audio) throws SpeechException, IOException {
        long started = System.nanoTime();
        requests.<Void, IOException>measure(() -> {
            service.synthesize(text, new FirstAudioTimer(audio, started));
            return null;
        });
    }

    /** Hands the audio on, noting when the first of it came. One per request, on the request's thread. */
    private final class FirstAudioTimer implements AudioSink {
        private final AudioSink audio;
        private final long started;
        private boolean heard;

        FirstAudioTimer(AudioSink audio, long started) {
            this.audio = audio;
            this.started = started;
        }

        @Override
        public void accept(byte[] mulaw) throws IOException {
            if (!heard) {
                heard = true;
                firstAudio.observeSince(started);
            }
            audio.accept(mulaw);
        }
    }
}
