package callbridge.speech;

import callbridge.audio.Wav;
import callbridge.config.Config;
import callbridge.json.Json;
import callbridge.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * ElevenLabs speech-to-text (https://elevenlabs.io/docs/api-reference/speech-to-text/convert):
 * {@code POST /v1/speech-to-text}, multipart with {@code model_id}, {@code language_code} and the audio as
 * a WAV file (16-bit PCM, 8 kHz, mono); the answer's {@code text} is the transcript.
 */
public final class ElevenLabsSpeechToText implements SpeechToText {
    /** A call's turns are cut at 30 s of audio; transcription takes a fraction of that. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final ElevenLabsApi api;
    private final String model;
    private final String language;

    ElevenLabsSpeechToText(ElevenLabsApi api, String model, String language) {
        this.api = api;
        this.model = model;
        this.language = language;
    }

    public static ElevenLabsSpeechToText create(HttpClient http, Config.ElevenLabs settings) {
        return new ElevenLabsSpeechToText(new ElevenLabsApi(http, settings, REQUEST_TIMEOUT, ElevenLabsApi.RETRIES, Sleeper.REAL),
                settings.sttModel(), settings.sttLanguage());
    }

    @Override
    public String transcribe(byte[] mulaw) throws SpeechException {
        Multipart form = new Multipart()
                .field("model_id", model)
                .field("language_code", language)
                .file("file", "turn.wav", "audio/wav", Wav.fromMuLaw(mulaw));
        HttpRequest.Builder request = api.request("/v1/speech-to-text")
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.toBytes()));
        try (InputStream body = api.send("speech-to-text", request)) {
            JsonNode answer = Json.MAPPER.readTree(body);
            JsonNode text = answer == null ? null : answer.get("text");
            if (text == null || !text.isTextual()) {
                throw new SpeechException("ElevenLabs speech-to-text: answer has no text field");
            }
            return text.asText().strip();
        } catch (IOException e) {
            throw new SpeechException("ElevenLabs speech-to-text: unreadable answer: " + e.getMessage(),
                    e instanceof SocketTimeoutException ? SpeechException.Kind.TIMEOUT : SpeechException.Kind.OTHER, false, e);
        }
    }
}
