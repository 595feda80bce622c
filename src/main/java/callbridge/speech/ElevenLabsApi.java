package callbridge.speech;

import callbridge.config.Config;
import callbridge.config.Secret;
import callbridge.json.Json;
import callbridge.time.Retry;
import callbridge.time.RetryAfter;
import callbridge.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What both ElevenLabs clients share: the base URL and key, timeouts, the retry of 429 and 5xx answers
 * with growing pauses (or the wait a {@code Retry-After} asks for), and turning error answers into messages a user can act on
 * (https://elevenlabs.io/docs/api-reference/introduction: 401 bad key, 422 bad request, 429 too many
 * requests or concurrent requests).
 */
final class ElevenLabsApi {
    private static final System.Logger LOG = System.getLogger(ElevenLabsApi.class.getName());
    /** Error bodies are short JSON; more than this is not worth reading. */
    private static final int MAX_ERROR_BODY = 8 * 1024;

    /**
     * Tries in all for a 429, a 5xx or a refused connection, the first pause between them, and the most
     * time the pauses may take together. A turn's text or speech waits on these requests, so a service
     * that asks for a longer wait ({@code Retry-After}) gets the failure instead: 10 s is already a long
     * silence on a phone call.
     */
    static final Retry.Policy RETRIES = new Retry.Policy(3, Duration.ofMillis(500), Duration.ofSeconds(10));

    private final HttpClient http;
    private final URI baseUrl;
    private final Optional<Secret> apiKey;
    private final Duration requestTimeout;
    private final Retry.Policy retries;
    private final Sleeper sleeper;
    /** Reads a {@code Retry-After} given as a date. */
    private final Clock clock;

    ElevenLabsApi(HttpClient http, Config.ElevenLabs settings, Duration requestTimeout, Retry.Policy retries,
                  Sleeper sleeper) {
        this(http, settings, requestTimeout, retries, sleeper, Clock.systemUTC());
    }

    ElevenLabsApi(HttpClient http, Config.ElevenLabs settings, Duration requestTimeout, Retry.Policy retries,
                  Sleeper sleeper, Clock clock) {
        this.http = http;
        this.baseUrl = settings.baseUrl();
        this.apiKey = settings.apiKey();
        this.requestTimeout = requestTimeout;
        this.retries = retries;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(requestTimeout);
    }

    /**
     * Sends the request, retrying what may pass on a second try, and returns the body stream of a 2xx
     * answer (the caller closes it). Every failure becomes a {@link SpeechException} naming the service.
     */
    InputStream send(String service, HttpRequest.Builder request) throws SpeechException {
        Secret key = apiKey.orElseThrow(() ->
                new SpeechException("ElevenLabs " + service + ": no API key: set ELEVENLABS_API_KEY"));
        HttpRequest built = request.header("xi-api-key", key.value()).build();
        try {
            return Retry.run(retries, sleeper, () -> attempt(service, built), SpeechException::retryable,
                    SpeechException::retryAfter, (failure, pause) -> LOG.log(Level.INFO, "{0}; trying again in {1} ms", failure.getMessage(), pause.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeechException("ElevenLabs " + service + ": interrupted", e);
        }
    }

    /** One try: the body of a 2xx answer, or a failure that says whether another try may help. */
    private InputStream attempt(String service, HttpRequest request) throws SpeechException {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            // The request timeout covered the wait for headers; the guard covers the body.
            InputStream body = new StallGuard(response.body(), requestTimeout, service);
            int status = response.statusCode();
            if (status / 100 == 2) {
                return body;
            }
            throw failure(service, status, errorDetail(body),
                    RetryAfter.parse(response.headers().firstValue("Retry-After"), clock.instant()));
        } catch (HttpTimeoutException e) {
            throw new SpeechException("ElevenLabs " + service + ": no answer within " + describe(requestTimeout),
                    SpeechException.Kind.TIMEOUT, false, e);
        } catch (ConnectException e) {
            throw new SpeechException("ElevenLabs " + service + ": cannot connect to " + baseUrl,
                    SpeechException.Kind.CONNECTION, true, e);
        } catch (IOException e) {
            throw new SpeechException("ElevenLabs " + service + ": " + e, SpeechException.Kind.CONNECTION, false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeechException("ElevenLabs " + service + ": interrupted", e);
        }
    }

    private static SpeechException failure(String service, int status, String detail, Optional<Duration> retryAfter) {
        String prefix = "ElevenLabs " + service + ": HTTP " + status + ": ";
        boolean retryable = status == 429 || status >= 500;
        SpeechException.Kind kind = status == 429 ? SpeechException.Kind.RATE_LIMITED
                : status / 100 == 4 ? SpeechException.Kind.HTTP_4XX
                : status / 100 == 5 ? SpeechException.Kind.HTTP_5XX
                : SpeechException.Kind.OTHER;
        return switch (status) {
            case 401 -> new SpeechException(prefix + "the API key was rejected (check ELEVENLABS_API_KEY): " + detail, kind, false, null);
            case 429 -> new SpeechException(prefix + "too many requests: " + detail, kind, true, retryAfter, null);
            default -> new SpeechException(prefix + detail, kind, retryable, retryAfter, null);
        };
    }

    /**
     * ElevenLabs errors carry {@code {"detail": {"status": ..., "message": ...}}}, or for 422 a list of
     * {@code {"loc": ..., "msg": ...}}; anything else is shown as text.
     */
    static String errorDetail(InputStream body) {
        String text;
        try (body) {
            text = new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(error body unreadable: " + e.getMessage() + ")";
        }
        try {
            JsonNode detail = Json.MAPPER.readTree(text).path("detail");
            if (detail.isTextual()) {
                return detail.asText();
            }
            if (detail.hasNonNull("message")) {
                return detail.get("message").asText();
            }
            if (detail.isArray() && !detail.isEmpty()) {
                return detail.get(0).path("msg").asText(detail.toString());
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: shown as it came
        }
        return text.isEmpty() ? "(no details)" : text;
    }

    /** "15 s", or "700 ms" when whole seconds would misstate it. */
    private static String describe(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1_000 == 0 ? millis / 1_000 + " s" : millis + " ms";
    }
}
