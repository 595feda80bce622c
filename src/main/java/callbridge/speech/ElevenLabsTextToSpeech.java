package callbridge.speech;

import callbridge.config.Config;
import callbridge.config.VoiceSettings;
import callbridge.json.Json;
import callbridge.time.Sleeper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * ElevenLabs streaming text-to-speech (https://elevenlabs.io/docs/api-reference/text-to-speech/stream):
 * {@code POST /v1/text-to-speech/{voice_id}/stream?output_format=ulaw_8000} with a JSON body. Asking for
 * {@code ulaw_8000} gets exactly what Twilio plays, so the bytes go on untouched, chunk by chunk. The body
 * carries the text, model, language and the configured {@code voice_settings}.
 */
public final class ElevenLabsTextToSpeech implements TextToSpeech {
    /** Longest wait for the answer to begin, and for more audio inside it; flash models start in well under a second. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final int READ_BUFFER = 4 * 1024;

    private final ElevenLabsApi api;
    private final String voiceId;
    private final String model;
    private final String language;
    private final VoiceSettings voice;

    ElevenLabsTextToSpeech(ElevenLabsApi api, String voiceId, String model, String language, VoiceSettings voice) {
        this.api = api;
        this.voiceId = voiceId;
        this.model = model;
        this.language = language;
        this.voice = voice;
    }

    public static ElevenLabsTextToSpeech create(HttpClient http, Config.ElevenLabs settings) {
        return new ElevenLabsTextToSpeech(new ElevenLabsApi(http, settings, REQUEST_TIMEOUT, ElevenLabsApi.RETRIES, Sleeper.REAL),
                settings.ttsVoiceId(), settings.ttsModel(), settings.ttsLanguage(), settings.ttsVoice());
    }

    @Override
    public void synthesize(String text, AudioSink audio) throws SpeechException, IOException {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("text", text)
                .put("model_id", model)
                .put("language_code", language);
        body.set("voice_settings", voiceSettings(voice));
        HttpRequest.Builder request = api.request("/v1/text-to-speech/" + pathSegment(voiceId) + "/stream?output_format=ulaw_8000")
                .header("Content-Type", "application/json")
                .header("Accept", "audio/basic")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        // Closing the body stream (also when audio.accept throws) cancels the HTTP exchange.
        try (InputStream stream = api.send("text-to-speech", request)) {
            byte[] buffer = new byte[READ_BUFFER];
            int n;
            while ((n = read(stream, buffer)) >= 0) {
                if (n > 0) {
                    audio.accept(Arrays.copyOf(buffer, n));
                }
            }
        }
    }

    /** Sent with every request, overriding whatever is stored with the voice at ElevenLabs. */
    private static ObjectNode voiceSettings(VoiceSettings voice) {
        return Json.MAPPER.createObjectNode()
                .put("stability", voice.stability())
                .put("similarity_boost", voice.similarityBoost())
                .put("style", voice.style())
                .put("use_speaker_boost", voice.speakerBoost())
                .put("speed", voice.speed());
    }

    /**
     * URLEncoder writes form encoding, where a space is "+"; in a path "+" is a plus (RFC 3986 3.3), so
     * spaces become %20. A plus in the input was already written as %2B.
     */
    private static String pathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int read(InputStream stream, byte[] buffer) throws SpeechException {
        try {
            return stream.read(buffer);
        } catch (IOException e) {
            throw new SpeechException("ElevenLabs text-to-speech: audio stream broke off: " + e.getMessage(),
                    e instanceof SocketTimeoutException ? SpeechException.Kind.TIMEOUT : SpeechException.Kind.CONNECTION, false, e);
        }
    }
}
