package callbridge.speech;

import callbridge.audio.Frames;
import callbridge.config.Config;
import callbridge.config.Secret;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * ElevenLabs' realtime speech-to-text (Scribe v2 Realtime): one WebSocket per call to
 * {@code {realtimeUrl}/v1/speech-to-text/realtime}, on the JDK's {@code java.net.http.WebSocket}, key in
 * the {@code xi-api-key} header, everything else in the query (the service takes no configuration message):
 * {@code model_id}, {@code audio_format=ulaw_8000} (Twilio's audio as it comes, no conversion),
 * {@code commit_strategy=manual} (callbridge decides where a turn ends; the service's own VAD does not) and
 * {@code language_code} when one is set (else the service detects it). The messages are in
 * {@link ScribeRealtimeMessages}, one session's life in {@link ScribeRealtimeSession}.
 */
public final class ElevenLabsRealtimeSpeechToText implements RealtimeSpeechToText {
    /** The model the API reference and every SDK example name. */
    /** The endpoint's path below the realtime URL. */
    public static final String PATH = "/v1/speech-to-text/realtime";

    /**
     * What one session may make us hold or wait for.
     *
     * @param connectTimeout       the TCP connect and the upgrade's answer together
     * @param maxQueuedAudio       audio waiting to be sent (the service not reading, or not started yet)
     *                             beyond which the session fails
     * @param maxUnansweredCommits commits the service may owe a committed transcript; one more fails the session
     * @param maxMessageChars      a longer message from the service fails the session
     */
    public record Limits(Duration connectTimeout, Duration maxQueuedAudio, int maxUnansweredCommits,
                         int maxMessageChars) {
        /**
         * 5 s to connect (the call goes on meanwhile, its audio queued); 10 s of audio queued (80 KB of
         * mu-law); 3 commits owed (three turns without an answer: batch has long taken over); 64 KiB a
         * message (a 10,000-character transcript with its JSON fits several times).
         */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 3, 64 * 1024);

        public Limits {
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
            }
            if (maxQueuedAudio.toMillis() * Frames.SAMPLE_RATE / 1_000 < ScribeRealtimeSession.CHUNK_BYTES) {
                throw new IllegalArgumentException("maxQueuedAudio must hold at least one 100 ms chunk: " + maxQueuedAudio);
            }
            if (maxUnansweredCommits < 1 || maxMessageChars < 1_024) {
                throw new IllegalArgumentException("maxUnansweredCommits " + maxUnansweredCommits
                        + " (at least 1), maxMessageChars " + maxMessageChars + " (at least 1024)");
            }
        }
    }

    private final HttpClient http;
    private final URI sessionUri;
    private final Optional<Secret> apiKey;
    private final Limits limits;

    /**
     * @param realtimeUrl  {@code wss://api.elevenlabs.io}, or {@code ws://} for a local stand-in (the
     *                     configuration derives it from {@code ELEVENLABS_BASE_URL}, as the SDKs do)
     * @param apiKey       sent as {@code xi-api-key}; without one every session fails at once, saying so
     * @param modelId      {@code scribe_v2_realtime} ({@code STT_REALTIME_MODEL}'s default) unless ElevenLabs names a newer one
     * @param languageCode ISO 639-1 or 639-3 ({@code es}); empty lets the service detect the language
     */
    /**
     * The realtime client {@code settings} ask for ({@code STT_MODE=realtime}), in the language batch uses
     * (blank: detected); empty with {@code STT_MODE=batch}.
     */
    public static Optional<RealtimeSpeechToText> create(HttpClient http, Config.ElevenLabs settings) {
        if (settings.realtime().mode() != Config.SttMode.REALTIME) {
            return Optional.empty();
        }
        return Optional.of(new ElevenLabsRealtimeSpeechToText(http, settings.realtime().url(), settings.apiKey(),
                settings.realtime().model(), Optional.of(settings.sttLanguage())));
    }

    public ElevenLabsRealtimeSpeechToText(HttpClient http, URI realtimeUrl, Optional<Secret> apiKey, String modelId,
                                          Optional<String> languageCode) {
        this(http, realtimeUrl, apiKey, modelId, languageCode, Limits.DEFAULT);
    }

    public ElevenLabsRealtimeSpeechToText(HttpClient http, URI realtimeUrl, Optional<Secret> apiKey, String modelId,
                                          Optional<String> languageCode, Limits limits) {
        this.http = Objects.requireNonNull(http, "http");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.sessionUri = sessionUri(realtimeUrl, modelId, languageCode);
    }

    @Override
    public Session open(String label, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (apiKey.isEmpty()) {
            return ScribeRealtimeSession.failed(label, listener, "no API key: set ELEVENLABS_API_KEY");
        }
        return ScribeRealtimeSession.connect(http.newWebSocketBuilder().header("xi-api-key", apiKey.get().value()),
                sessionUri, limits, label, listener);
    }

    /** The URL each session connects to, query included. */
    static URI sessionUri(URI realtimeUrl, String modelId, Optional<String> languageCode) {
        String scheme = String.valueOf(realtimeUrl.getScheme()).toLowerCase();
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("the realtime URL must be ws:// or wss://: " + realtimeUrl);
        }
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("no model_id");
        }
        String base = realtimeUrl.toString().replaceAll("/+$", "");
        StringBuilder query = new StringBuilder()
                .append("model_id=").append(encode(modelId))
                .append("&audio_format=ulaw_8000")
                .append("&commit_strategy=manual");
        languageCode.filter(code -> !code.isBlank())
                .ifPresent(code -> query.append("&language_code=").append(encode(code)));
        return URI.create(base + PATH + "?" + query);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
