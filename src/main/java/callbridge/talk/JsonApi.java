package callbridge.talk;

import callbridge.config.Secret;
import callbridge.json.Json;
import callbridge.time.Retry;
import callbridge.time.RetryAfter;
import callbridge.time.Sleeper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
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
 * A JSON-over-HTTP API with a bearer key (an OpenAI-compatible LLM endpoint, Galtea): requests with a
 * deadline each, answers parsed, and every failure an {@link IOException} that names the API and says what
 * it answered, so the user reads one line and knows what to fix.
 *
 * <p>Failures that may pass are tried again, as the official SDKs do, so one 429 or 502 does not end a
 * conversation: openai-python ({@code _base_client.py}, {@code _should_retry}) retries 408, 409, 429, every
 * 5xx, timeouts and connection failures, {@code DEFAULT_MAX_RETRIES = 2} times after the first try, from
 * {@code INITIAL_RETRY_DELAY = 0.5} s doubling, and takes a {@code Retry-After} of up to 60 s instead.
 * {@link #RETRIES} is that policy; Galtea's SDK is built on the same kind of client and gets the same.
 */
final class JsonApi {
    /**
     * 3 tries (openai-python's 2 retries), 500 ms then 1 s apart; a {@code Retry-After} is honoured up to
     * 60 s in all (openai-python ignores a longer one; here it ends the retries, since its back-off would
     * only be refused again).
     */
    static final Retry.Policy RETRIES = new Retry.Policy(3, Duration.ofMillis(500), Duration.ofSeconds(60));

    /** An answer that is not a success, or not JSON. */
    static final class ApiException extends IOException {
        private final int status;
        private final Optional<Duration> retryAfter;

        ApiException(String message, int status) {
            this(message, status, Optional.empty());
        }

        ApiException(String message, int status, Optional<Duration> retryAfter) {
            super(message);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        /** The HTTP status, or 0 when the API answered nothing usable. */
        int status() {
            return status;
        }
    }

    /** An interrupt (SIGINT) while a request was under way: never tried again. */
    private static final class Stopped extends IOException {
        Stopped(InterruptedException cause) {
            super(cause);
        }
    }

    private static final System.Logger LOG = System.getLogger(JsonApi.class.getName());
    /** The part of an error body worth showing: enough to recognise it, never a whole page. */
    private static final int MAX_ERROR_CHARS = 300;
    /** An answer past this is no answer these APIs give; reading stops there. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final String name;
    private final URI base;
    private final Optional<Secret> key;
    private final HttpClient http;
    private final Duration timeout;
    private final Retry.Policy retries;
    private final Sleeper sleeper;
    /** Reads a {@code Retry-After} given as a date. */
    private final Clock clock;

    JsonApi(String name, URI base, Optional<Secret> key, HttpClient http, Duration timeout, Retry.Policy retries,
            Sleeper sleeper, Clock clock) {
        this.name = name;
        this.base = base;
        this.key = key;
        this.http = http;
        this.timeout = timeout;
        this.retries = retries;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    String name() {
        return name;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    JsonNode post(String path, ObjectNode body) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    JsonNode patch(String path, ObjectNode body) throws IOException, InterruptedException {
        return send(request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json");
        key.ifPresent(secret -> builder.header("Authorization", "Bearer " + secret.value()));
        return builder;
    }

    private JsonNode send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpRequest request = builder.build();
        int[] tries = {0};
        try {
            return Retry.run(retries, sleeper, () -> {
                        tries[0]++;
                        try {
                            return attempt(request);
                        } catch (InterruptedException e) {
                            throw new Stopped(e); // Retry's attempts throw one checked type: unwrapped below
                        }
                    }, JsonApi::retryable, failure -> failure instanceof ApiException api ? api.retryAfter : Optional.empty(),
                    (failure, pause) -> LOG.log(Level.INFO, "{0}; trying again in {1} ms", failure.getMessage(), pause.toMillis()));
        } catch (Stopped e) {
            throw (InterruptedException) e.getCause();
        } catch (IOException e) {
            if (tries[0] == 1) {
                throw e;
            }
            // Said once, so the user knows the failure was not a passing one.
            String message = e.getMessage() + " (after " + tries[0] + " tries)";
            throw e instanceof ApiException api ? new ApiException(message, api.status, api.retryAfter) : new IOException(message, e.getCause());
        }
    }

    /** openai-python's {@code _should_retry}: 408, 409, 429, 5xx, and any failure to get an answer at all. */
    private static boolean retryable(IOException failure) {
        if (failure instanceof Stopped) {
            return false;
        }
        if (!(failure instanceof ApiException api)) {
            return true;
        }
        int status = api.status();
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    private JsonNode attempt(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        String body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException(name + " did not answer " + request.method() + " " + request.uri().getPath()
                    + " within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new IOException(name + " at " + base + " cannot be reached: " + Failures.describe(e), e);
        }
        body = bounded(response, request);
        if (response.statusCode() / 100 != 2) {
            throw new ApiException(name + " answered " + request.method() + " " + request.uri().getPath() + " with HTTP "
                    + response.statusCode() + hint(response.statusCode()) + ": " + excerpt(body), response.statusCode(),
                    RetryAfter.parse(response.headers().firstValue("Retry-After"), clock.instant()));
        }
        try {
            return body.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(name + " answered " + request.uri().getPath() + " with something that is not JSON: "
                    + excerpt(body), response.statusCode());
        }
    }

    /** The answer's body, read up to {@link #MAX_BODY_BYTES}: a chat completion or a Galtea record is a few KiB. */
    private String bounded(HttpResponse<InputStream> response, HttpRequest request) throws IOException {
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new IOException(name + " broke off its answer to " + request.method() + " " + request.uri().getPath()
                    + ": " + Failures.describe(e), e);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            // Not retried: the same request would get the same answer.
            throw new ApiException(name + " answered " + request.method() + " " + request.uri().getPath()
                    + " with more than " + MAX_BODY_BYTES / 1024 + " KiB", response.statusCode());
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String hint(int status) {
        return status == 401 || status == 403 ? " (check the API key)" : "";
    }

    private static String excerpt(String body) {
        // Cut before the whitespace is folded: the fold need not walk a whole megabyte for 300 characters.
        String start = body.length() <= 4 * MAX_ERROR_CHARS ? body : body.substring(0, 4 * MAX_ERROR_CHARS);
        String flat = start.replaceAll("\\s+", " ").strip();
        return flat.length() <= MAX_ERROR_CHARS ? flat : flat.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
