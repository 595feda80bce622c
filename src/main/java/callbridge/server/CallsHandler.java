package callbridge.server;

import callbridge.call.CallDirectory;
import callbridge.call.CallSids;
import callbridge.call.CallStart;
import callbridge.config.Secret;
import callbridge.http.ClientPresence;
import callbridge.http.JsonAnswers;
import callbridge.json.Json;
import callbridge.record.CallRecordJson;
import callbridge.record.CallRecords;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /calls}, {@code GET /calls/{CallSid}} and {@code GET /calls/next}: the calls, for drivers, behind
 * the same {@code X-API-KEY} as {@code /generate}.
 * <ul>
 * <li>{@code /calls}: the live calls, {@code {"calls": [{"call_sid", "stream_sid", "from", "to", "state",
 * "generating", "age_s", "turns"}]}}, oldest first.
 * <li>{@code /calls/{CallSid}}: the call's record ({@link CallRecordJson}), so far for a live
 * call; 404 for a call this server does not know, 400 for a malformed CallSid.
 * <li>{@code /calls/next?timeout=S}: waits up to S seconds (default 30, at most 600) for a call no driver has
 * claimed, and claims it: {@code {"call_sid", "stream_sid", "from", "to", "parameters", "started_at"}}; 204
 * when none came. A driver that goes away while it waits claims nothing.
 * </ul>
 */
public final class CallsHandler implements HttpHandler {
    static final Duration DEFAULT_NEXT_TIMEOUT = Duration.ofSeconds(30);
    /** The same bound as {@code /generate}'s wait. */
    static final int MAX_NEXT_TIMEOUT_SECONDS = 600;
    private static final String NEXT = "next";
    private static final System.Logger LOG = System.getLogger(CallsHandler.class.getName());

    private final CallDirectory calls;
    private final CallRecords records;
    private final ApiKey apiKey;
    private final ClientPresence clients;

    /**
     * @param calls   the live calls
     * @param records the calls' records, live and ended
     * @param clients tells when the client of a waiting {@code /calls/next} has gone away
     */
    public CallsHandler(CallDirectory calls, CallRecords records, Optional<Secret> apiKey, ClientPresence clients) {
        this.calls = calls;
        this.records = records;
        this.apiKey = new ApiKey(apiKey);
        this.clients = clients;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String rest = path.substring(Math.min(path.length(), Routes.CALLS.length()));
        if (!path.startsWith(Routes.CALLS) || !(rest.isEmpty() || rest.startsWith("/"))) {
            JsonAnswers.send(exchange, 404, Json.object("error", "no route for " + path));
            return;
        }
        if (!apiKey.admits(exchange)) {
            return;
        }
        String name = rest.isEmpty() ? "" : rest.substring(1);
        if (name.isEmpty()) {
            listLive(exchange);
        } else if (name.equals(NEXT)) {
            next(exchange);
        } else if (CallSids.isCallSid(name)) {
            record(exchange, name);
        } else {
            JsonAnswers.send(exchange, 400, Json.object("error", "not a Twilio CallSid (CA and 32 hex digits): " + name));
        }
    }

    private void listLive(HttpExchange exchange) throws IOException {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode list = answer.putArray("calls");
        for (CallDirectory.LiveCall call : calls.live()) {
            ObjectNode node = list.addObject();
            CallRecordJson.putCall(node, call.callSid(), call.streamSid(), call.from(), call.to());
            node.put("state", call.state());
            node.put("generating", call.generating());
            node.put("age_s", call.age().toSeconds());
            node.put("turns", records.turnsSoFar(call.callSid()));
        }
        JsonAnswers.send(exchange, 200, Json.write(answer));
    }

    private void record(HttpExchange exchange, String callSid) throws IOException {
        Optional<ObjectNode> record;
        try {
            record = records.find(callSid);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "call {0}: its record file cannot be read: {1}", callSid, e.toString());
            JsonAnswers.send(exchange, 500, Json.object("error", "the record of " + callSid + " cannot be read"));
            return;
        }
        if (record.isEmpty()) {
            JsonAnswers.send(exchange, 404, Json.object("error", "no call " + callSid + " is known here"));
            return;
        }
        JsonAnswers.send(exchange, 200, Json.write(record.get()));
    }

    private void next(HttpExchange exchange) throws IOException {
        Duration timeout;
        try {
            timeout = QueryParameters.seconds(QueryParameters.decode(exchange.getRequestURI().getRawQuery()), "timeout",
                    0, MAX_NEXT_TIMEOUT_SECONDS).orElse(DEFAULT_NEXT_TIMEOUT);
        } catch (QueryParameters.BadParameter e) {
            JsonAnswers.send(exchange, 400, Json.object("error", e.getMessage()));
            return;
        }
        CompletableFuture<Void> clientGone = clients.departure(exchange.getRemoteAddress());
        try {
            Optional<CallStart> claimed = calls.claimNext(timeout, clientGone);
            if (claimed.isPresent() && clientGone.isDone()) {
                // Gone between the claim and now: the call goes to the next driver instead.
                calls.unclaim(claimed.get());
                return;
            }
            if (claimed.isEmpty()) {
                if (!clientGone.isDone()) {
                    exchange.sendResponseHeaders(204, -1);
                }
                return;
            }
            try {
                JsonAnswers.send(exchange, 200, Json.write(describe(claimed.get())));
            } catch (IOException e) {
                calls.unclaim(claimed.get());
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JsonAnswers.send(exchange, 503, Json.object("error", "server shutting down"));
        } finally {
            clientGone.cancel(false);
        }
    }

    private static ObjectNode describe(CallStart call) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        CallRecordJson.putCall(node, call.callSid(), call.streamSid(), call.from(), call.to());
        CallRecordJson.putParameters(node, call.parameters());
        node.put("started_at", call.startedAt().toString());
        return node;
    }
}
