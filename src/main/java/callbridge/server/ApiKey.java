package callbridge.server;

import callbridge.config.Secret;
import callbridge.http.JsonAnswers;
import callbridge.json.Json;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * What the routes for drivers ({@code /generate}, {@code /calls}) ask of every request, answered the same
 * way: 405 for anything but GET, 503 when no {@code API_KEY} is configured, 403 when the {@code X-API-KEY}
 * header is missing or wrong.
 */
final class ApiKey {
    private final Optional<Secret> key;

    ApiKey(Optional<Secret> key) {
        this.key = key;
    }

    /** True when the request is a GET carrying the key; otherwise the refusal has been answered. */
    boolean admits(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            JsonAnswers.send(exchange, 405, Json.object("error", "use GET"));
            return false;
        }
        if (key.isEmpty()) {
            JsonAnswers.send(exchange, 503, Json.object("error", "API_KEY is not configured on the server"));
            return false;
        }
        if (!matches(exchange.getRequestHeaders().getFirst(GenerateHandler.API_KEY_HEADER))) {
            JsonAnswers.send(exchange, 403, Json.object("error", "missing or wrong " + GenerateHandler.API_KEY_HEADER));
            return false;
        }
        return true;
    }

    /** Constant-time comparison, so response timing reveals nothing about the key. */
    private boolean matches(String offered) {
        return offered != null && MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8),
                key.orElseThrow().value().getBytes(StandardCharsets.UTF_8));
    }
}
