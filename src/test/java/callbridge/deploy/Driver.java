package callbridge.deploy;

import callbridge.json.Json;
import callbridge.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What drives one call through the load balancer, as a user's own driver would: {@code /generate} for the
 * far end's first turn, then once more for each turn after it, answering each with a line of ours, then a
 * goodbye, after which the far end hangs up. Nothing in its requests names an instance: the load balancer
 * finds the call by its CallSid.
 */
final class Driver implements Runnable {
    /** Seconds each {@code /generate} may wait: a turn takes about 2.5 s, the machine is shared. */
    private static final int TIMEOUT_SECONDS = 30;
    private static final String GOODBYE = "Adiós";

    private final Deployment deployment;
    private final CallTrace trace;

    Driver(Deployment deployment, CallTrace trace) {
        this.deployment = deployment;
        this.trace = trace;
    }

    @Override
    public void run() {
        try {
            utterance(generate("first=true"));
            for (int turn = 1; turn < trace.clips().size(); turn++) {
                utterance(generate("input=" + encode("Turno " + turn)));
            }
            JsonNode last = generate("input=" + encode(GOODBYE));
            if (!"call_ended".equals(last.path("kind").asText())) {
                trace.problem("driver: after our goodbye, not call_ended but " + last);
            }
            trace.ended(last.path("reason").asText());
        } catch (Exception | AssertionError e) {
            trace.problem("driver: " + e);
        }
    }

    /**
     * The call's record, through the load balancer ({@code GET /calls/{CallSid}}), once it is whole: the
     * record of a call that has ended says how it ended.
     */
    static JsonNode record(Deployment deployment, CallTrace trace) throws Exception {
        JsonNode[] record = new JsonNode[1];
        Await.until("the record of " + trace.callSid() + " with its end", Duration.ofSeconds(10), () -> {
            HttpResponse<String> response = get(deployment, "/calls/" + trace.callSid());
            trace.answered("GET /calls/{sid}", response);
            record[0] = response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : null;
            return record[0] != null && !record[0].path("live").asBoolean() && record[0].path("end").has("reason");
        });
        return record[0];
    }

    /** A GET with the API key, through the load balancer. */
    static HttpResponse<String> get(Deployment deployment, String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(deployment.publicUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(TIMEOUT_SECONDS + 30))
                .header("X-API-KEY", Deployment.API_KEY);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return deployment.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode generate(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = get(deployment, "/generate?sid=" + trace.callSid() + "&timeout=" + TIMEOUT_SECONDS + "&" + query);
        trace.answered("GET /generate " + query, response);
        if (response.statusCode() != 200) {
            throw new AssertionError("/generate " + query + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    private void utterance(JsonNode answer) {
        if (!"utterance".equals(answer.path("kind").asText())) {
            throw new AssertionError("not an utterance: " + answer);
        }
        trace.delivered(answer.path("response").asText());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
