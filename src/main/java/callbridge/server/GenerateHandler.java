package callbridge.server;

import callbridge.call.Conversation;
import callbridge.call.TurnRequest;
import callbridge.call.TurnResult;
import callbridge.config.Secret;
import callbridge.http.ClientPresence;
import callbridge.http.JsonAnswers;
import callbridge.json.Json;
import callbridge.server.QueryParameters.BadParameter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /generate}, the HTTP side of one turn of the {@link Conversation}: checks the method and the
 * key, reads the query ({@link GenerateQuery}), and writes the turn's result. Answers:
 * <ul>
 * <li>200 with the utterance, or with our playback alone ({@code answer=played}), or with the reason when the
 *     call has ended: at once for a call that ended before the request, even before this process started
 *     (its record says how);
 * <li>204 when nothing came in time (with {@code interrupt_after_ms}: no far-end speech to cut into came, and
 *     nothing was said), with {@value #CALL_HEADER}{@code : }{@value #CALL_LIVE}; and, without input, when the
 *     call never appeared here, with {@value #CALL_HEADER}{@code : }{@value #CALL_UNKNOWN}, so a driver can
 *     tell a call held by another instance from a silent one (the prototype's drivers loop on 204: it stays);
 * <li>404 with input when the call never appeared here: the text was not spoken;
 * <li>400 bad parameter; 403 wrong key; 409 another /generate holds the call; 502 text-to-speech failed;
 *     503 no API key configured.
 * </ul>
 * A client that goes away while its request waits gets nothing: the call is free for its next request at
 * once, and whatever was heard stays queued for it.
 */
public final class GenerateHandler implements HttpHandler {
    public static final String API_KEY_HEADER = "X-API-KEY";
    /** On a 204: whether the call is here ({@value #CALL_LIVE}) or never appeared ({@value #CALL_UNKNOWN}). */
    public static final String CALL_HEADER = "X-Callbridge-Call";
    /** The call is live here, and the far end said nothing in time. */
    public static final String CALL_LIVE = "live";
    /** No such call appeared here in time: it may be another instance's, or not have started yet. */
    public static final String CALL_UNKNOWN = "unknown";
    private static final System.Logger LOG = System.getLogger(GenerateHandler.class.getName());

    private final Conversation conversation;
    private final ApiKey apiKey;
    private final ClientPresence clients;

    /** @param clients tells when the client of a request has gone away */
    public GenerateHandler(Conversation conversation, Optional<Secret> apiKey, ClientPresence clients) {
        this.conversation = conversation;
        this.apiKey = new ApiKey(apiKey);
        this.clients = clients;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!apiKey.admits(exchange)) {
            return;
        }
        TurnRequest request;
        try {
            request = GenerateQuery.parse(QueryParameters.decode(exchange.getRequestURI().getRawQuery()));
        } catch (BadParameter e) {
            JsonAnswers.send(exchange, 400, Json.object("error", e.getMessage()));
            return;
        }
        CompletableFuture<Void> clientGone = clients.departure(exchange.getRemoteAddress());
        try {
            answer(exchange, request, conversation.take(request, clientGone));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JsonAnswers.send(exchange, 503, Json.object("error", "server shutting down"));
        } finally {
            clientGone.cancel(false);
        }
    }

    private static void answer(HttpExchange exchange, TurnRequest request, TurnResult result) throws IOException {
        switch (result) {
            case TurnResult.Heard heard -> JsonAnswers.send(exchange, 200, Json.write(GenerateAnswer.heard(heard)));
            case TurnResult.CallEnded ended -> JsonAnswers.send(exchange, 200, Json.write(GenerateAnswer.ended(ended)));
            case TurnResult.Played played -> JsonAnswers.send(exchange, 200, Json.write(GenerateAnswer.played(played)));
            case TurnResult.NothingHeard nothing -> noContent(exchange, CALL_LIVE);
            case TurnResult.NoSuchCall none -> {
                if (request.input().isPresent()) {
                    JsonAnswers.send(exchange, 404, Json.write(GenerateAnswer.noSuchCall(none, request.timeout())));
                } else {
                    noContent(exchange, CALL_UNKNOWN);
                }
            }
            case TurnResult.Busy busy -> JsonAnswers.send(exchange, 409,
                    Json.object("error", "another /generate is in progress for " + busy.callSid()));
            case TurnResult.SpeechFailed failed -> JsonAnswers.send(exchange, 502, Json.write(GenerateAnswer.speechFailed(failed)));
            // Nobody to answer: closing the exchange unanswered drops the connection.
            case TurnResult.ClientGone gone ->
                    LOG.log(Level.DEBUG, "call {0}: /generate client went away; the call is free again", request.callSid());
        }
    }

    /** A 204 whose {@link #CALL_HEADER} says what became of the call: without it, a call on another instance looks like silence. */
    private static void noContent(HttpExchange exchange, String call) throws IOException {
        exchange.getResponseHeaders().set(CALL_HEADER, call);
        exchange.sendResponseHeaders(204, -1);
    }
}
