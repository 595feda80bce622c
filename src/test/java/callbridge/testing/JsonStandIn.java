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
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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

    /** What to answer: a status, a JSON body and any headers beside Content-Type. */
    public record Answer(int status, Object body, Map<String, String> headers) {
        public Answer(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    private final HttpServer server;
    private final String key;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    /** Answers given, in order, before the stand-in's own: a 429, a 503... */
    private final Queue<Answer> scripted = new ConcurrentLinkedQueue<>();

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

    /** The next requests, one each, get these answers instead of the stand-in's own. */
    public void answerNext(Answer... answers) {
        scripted.addAll(List.of(answers));
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
                answer = new Answer(401, Map.of("error", "Unauthorized", "message", "Invalid API key"));
            } else {
                Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), body.isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(body));
                requests.add(request);
                Answer next = scripted.poll();
                answer = next != null ? next : answer(request);
            }
            byte[] bytes = Json.write(answer.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            answer.headers().forEach(exchange.getResponseHeaders()::set);
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
