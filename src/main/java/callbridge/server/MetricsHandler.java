package callbridge.server;

import callbridge.config.Secret;
import callbridge.http.JsonAnswers;
import callbridge.json.Json;
import callbridge.metrics.MetricRegistry;
import callbridge.metrics.PrometheusText;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code GET /metrics}: the server's metrics in the Prometheus text format. Open, as {@code /health} is,
 * unless {@code METRICS_KEY} is set; then only for {@code Authorization: Bearer <METRICS_KEY>}, the header a
 * Prometheus scrape job sends from its {@code authorization: {credentials: ...}} setting. 401 (with
 * {@code WWW-Authenticate: Bearer}) without bearer credentials, 403 with the wrong ones.
 */
public final class MetricsHandler implements HttpHandler {
    /** RFC 6750 2.1: {@code Authorization: Bearer <token>}; the scheme is case-insensitive (RFC 9110 11.1). */
    private static final String BEARER = "bearer ";

    private final MetricRegistry registry;
    private final Optional<Secret> key;

    /** @param key the bearer token scrapers must send; empty: anyone may scrape */
    public MetricsHandler(MetricRegistry registry, Optional<Secret> key) {
        this.registry = registry;
        this.key = key;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(Routes.METRICS)) {
            JsonAnswers.send(exchange, 404, Json.object("error", "no route for " + exchange.getRequestURI().getPath()));
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            JsonAnswers.send(exchange, 405, Json.object("error", "use GET"));
            return;
        }
        if (key.isPresent()) {
            Optional<String> token = bearerToken(exchange.getRequestHeaders().getFirst("Authorization"));
            if (token.isEmpty()) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"callbridge metrics\"");
                JsonAnswers.send(exchange, 401, Json.object("error", "send Authorization: Bearer <METRICS_KEY>"));
                return;
            }
            if (!matches(token.get())) {
                JsonAnswers.send(exchange, 403, Json.object("error", "wrong metrics key"));
                return;
            }
        }
        byte[] body = PrometheusText.render(registry).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Optional<String> bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(BEARER.length()).strip());
    }

    /** Constant-time comparison, so response timing reveals nothing about the key. */
    private boolean matches(String offered) {
        return MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8),
                key.orElseThrow().value().getBytes(StandardCharsets.UTF_8));
    }
}
