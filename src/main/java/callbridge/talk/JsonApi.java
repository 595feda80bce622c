package callbridge.talk;

import callbridge.config.Secret;
import callbridge.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * A JSON-over-HTTP API with a bearer key (an OpenAI-compatible LLM endpoint, Galtea): requests with a
 * deadline each, answers parsed, and every failure an {@link IOException} that names the API and says what
 * it answered, so the user reads one line and knows what to fix.
 */
final class JsonApi {
    /** An answer that is not a success, or not JSON. */
    static final class ApiException extends IOException {
        private final int status;

        ApiException(String message, int status) {
            super(message);
            this.status = status;
        }

        /** The HTTP status, or 0 when the API answered nothing usable. */
        int status() {
            return status;
        }
    }

    /** The part of an error body worth showing: enough to recognise it, never a whole page. */
    private static final int MAX_ERROR_CHARS = 300;

    private final String name;
    private final URI base;
    private final Optional<Secret> key;
    private final HttpClient http;
    private final Duration timeout;

    JsonApi(String name, URI base, Optional<Secret> key, HttpClient http, Duration timeout) {
        this.name = name;
        this.base = base;
        this.key = key;
        this.http = http;
        this.timeout = timeout;
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
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new IOException(name + " did not answer " + request.method() + " " + request.uri().getPath()
                    + " within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new IOException(name + " at " + base + " cannot be reached: " + Failures.describe(e), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new ApiException(name + " answered " + request.method() + " " + request.uri().getPath() + " with HTTP "
                    + response.statusCode() + hint(response.statusCode()) + ": " + excerpt(response.body()), response.statusCode());
        }
        try {
            return response.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new ApiException(name + " answered " + request.uri().getPath() + " with something that is not JSON: "
                    + excerpt(response.body()), response.statusCode());
        }
    }

    private String hint(int status) {
        return status == 401 || status == 403 ? " (check the API key)" : "";
    }

    private static String excerpt(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() <= MAX_ERROR_CHARS ? flat : flat.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
