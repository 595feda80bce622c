package callbridge.speech;

import callbridge.config.Config;
import callbridge.testing.FakeElevenLabs;
import callbridge.time.Retry;
import callbridge.time.Sleeper;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** ElevenLabs API access pointed at a stand-in, with short timeouts and backoff so failures are quick. */
final class StandInApi {
    static final Duration TIMEOUT = Duration.ofMillis(700);
    static final Retry.Policy RETRIES = new Retry.Policy(3, Duration.ofMillis(20));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StandInApi() {
    }

    /** The stand-in's address and key, with {@code overrides} on top. */
    static Config.ElevenLabs settings(FakeElevenLabs fake, Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "ELEVENLABS_API_KEY", FakeElevenLabs.API_KEY,
                "ELEVENLABS_BASE_URL", fake.baseUrl().toString()));
        environment.putAll(overrides);
        return Config.fromSources(environment, Map.of()).elevenLabs();
    }

    static ElevenLabsApi api(Config.ElevenLabs settings) {
        return api(settings, Sleeper.REAL);
    }

    /** Pauses between tries go to {@code sleeper}: a test records them instead of waiting. */
    static ElevenLabsApi api(Config.ElevenLabs settings, Sleeper sleeper) {
        return new ElevenLabsApi(HTTP, settings, TIMEOUT, ElevenLabsApi.RETRIES, sleeper);
    }
}
