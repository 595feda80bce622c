package callbridge.testing;

import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A JSON API on loopback for tests, with a bearer key checked: subclasses answer each request; what is
 * wrong with a request goes to {@link #problems} (and a 4xx), so a test fails on what the client sent.
 */
abstract class JsonStandIn implements AutoCloseable {
    /** One request as it arrived. */
    public record Request(String method, String path, String query, JsonNode body) {
    }

    /** What to answer: a status and a JSON body. */
    protected record Answer(int status, Object body) {
    }

    private final HttpServer server;
    private final String key;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    protected JsonStandIn(String key) throws IOException {
        this.key = key;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    protected void problem(String text) {
        problems.add(text);
    }

    protected abstract Answer answer(Request request);

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer;
            if (!("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                problem("bad Authorization on " + exchange.getRequestURI());
                answer = new Answer(401, java.util.Map.of("error", "Unauthorized", "message", "Invalid API key"));
            } else {
                Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), body.isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(body));
                requests.add(request);
                answer = answer(request);
            }
            byte[] bytes = Json.write(answer.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (RuntimeException e) {
            problem("stand-in failed on " + exchange.getRequestURI() + ": " + e);
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
