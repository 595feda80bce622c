package callbridge.call;

import callbridge.config.Secret;
import callbridge.http.ClientPresence;
import callbridge.http.FormData;
import callbridge.json.Json;
import callbridge.http.JsonAnswers;
import callbridge.speech.SpeechException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /generate}: one turn of the conversation, for whoever drives it (the seed's contract).
 * With {@code input}, the text is spoken into the call and, once Twilio has played it, the far end's
 * next utterance is awaited; with {@code first=true} (or neither), only the next utterance is awaited.
 * Answers: 200 with the utterance, or with the reason when the call has ended; 204 when nothing came in
 * time; 400 bad parameter; 403 wrong key; 409 another /generate holds the call; 502 text-to-speech failed;
 * 503 no API key configured. A client that goes away while its request waits gets nothing: the call is
 * free for its next request at once, and whatever was heard stays queued for it.
 */
public final class GenerateHandler implements HttpHandler {
    public static final String API_KEY_HEADER = "X-API-KEY";
    private static final System.Logger LOG = System.getLogger(GenerateHandler.class.getName());
    /** Twilio echoes a mark when playback reaches it; past the audio's length plus this, we stop waiting. */
    private static final Duration MARK_GRACE = Duration.ofSeconds(10);

    private final SessionManager sessions;
    private final Optional<Secret> apiKey;
    private final ClientPresence clients;
    private final Clock clock;

    /** @param clients tells when the client of a request has gone away */
    public GenerateHandler(SessionManager sessions, Optional<Secret> apiKey, ClientPresence clients, Clock clock) {
        this.sessions = sessions;
        this.apiKey = apiKey;
        this.clients = clients;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            JsonAnswers.send(exchange, 405, Json.object("error", "use GET"));
            return;
        }
        if (apiKey.isEmpty()) {
            JsonAnswers.send(exchange, 503, Json.object("error", "API_KEY is not configured on the server"));
            return;
        }
        if (!keyMatches(exchange.getRequestHeaders().getFirst(API_KEY_HEADER))) {
            JsonAnswers.send(exchange, 403, Json.object("error", "missing or wrong " + API_KEY_HEADER));
            return;
        }
        GenerateRequest request;
        try {
            String rawQuery = exchange.getRequestURI().getRawQuery();
            request = GenerateRequest.parse(rawQuery == null ? Map.of() : FormData.parse(rawQuery));
        } catch (GenerateRequest.BadParameter | IllegalArgumentException e) {
            JsonAnswers.send(exchange, 400, Json.object("error", e.getMessage()));
            return;
        }
        CompletableFuture<Void> clientGone = clients.departure(exchange.getRemoteAddress());
        try {
            respond(exchange, request, clientGone);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JsonAnswers.send(exchange, 503, Json.object("error", "server shutting down"));
        } finally {
            clientGone.cancel(false);
        }
    }

    private void respond(HttpExchange exchange, GenerateRequest request, CompletableFuture<Void> clientGone)
            throws IOException, InterruptedException {
        Instant deadline = clock.instant().plus(request.timeout()); // waiting for the call counts too
        Optional<CallSession> found = sessions.awaitCall(request.sid(), request.timeout(), clientGone);
        if (clientGone.isDone()) {
            return; // nobody to answer; closing the exchange unanswered drops the connection
        }
        if (found.isEmpty()) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        CallSession session = found.get();
        if (!session.beginTurn()) {
            JsonAnswers.send(exchange, 409, Json.object("error", "another /generate is in progress for " + request.sid()));
            return;
        }
        Reply reply;
        try {
            reply = takeTurn(session, request, deadline, clientGone);
        } finally {
            // Released before the answer is written: a driver that asks again the moment it has the
            // answer must find the call free, not get 409.
            session.endTurn();
        }
        if (reply == CLIENT_GONE) {
            LOG.log(Level.DEBUG, "call {0}: /generate client went away; the call is free again", request.sid());
        } else if (reply.json().isEmpty()) {
            exchange.sendResponseHeaders(reply.status(), -1);
        } else {
            JsonAnswers.send(exchange, reply.status(), reply.json().get());
        }
    }

    /** An answer decided, not yet written. */
    private record Reply(int status, Optional<String> json) {
    }

    /** No answer: the client went away first. */
    private static final Reply CLIENT_GONE = new Reply(0, Optional.empty());

    private Reply takeTurn(CallSession session, GenerateRequest request, Instant deadline,
                           CompletableFuture<Void> clientGone) throws InterruptedException {
        request.talkTimeout().ifPresent(session::setTalkTimeout);
        List<Utterance> heardBefore = new ArrayList<>();
        boolean delivered = false;
        try {
            Optional<PlaybackReport> playback = Optional.empty();
            if (request.input().isPresent()) {
                heardBefore.addAll(session.utterances().drain());
                try {
                    playback = Optional.of(play(session, request.input().get(), clientGone));
                } catch (SpeechException e) {
                    delivered = true;
                    return new Reply(502, Optional.of(Json.write(GenerateAnswer.speechFailed(e.getMessage(), heardBefore))));
                }
                // The wait for the answer starts when our speech has been played.
                deadline = clock.instant().plus(request.timeout());
            }
            Optional<Instant> weSpokeAt = playback.flatMap(PlaybackReport::startedAt);
            while (true) {
                Duration wait = Duration.between(clock.instant(), deadline);
                UtteranceQueue.Next next = session.utterances().take(wait.isNegative() ? Duration.ZERO : wait, clientGone);
                if (clientGone.isDone()) {
                    // Checked last thing before an answer is decided: what was taken goes back with the rest.
                    if (next instanceof UtteranceQueue.Heard heard) {
                        heardBefore.add(heard.utterance());
                    }
                    return CLIENT_GONE;
                }
                if (next instanceof UtteranceQueue.Heard heard && weSpokeAt.isPresent()
                        && heard.utterance().startedAt().isBefore(weSpokeAt.get())) {
                    // Begun before our speech was (its transcription was still running when we drained):
                    // not an answer to it.
                    heardBefore.add(heard.utterance());
                    continue;
                }
                if (next instanceof UtteranceQueue.NothingYet) {
                    return new Reply(204, Optional.empty()); // what was heard before waits for the next answer
                }
                delivered = true;
                return new Reply(200, Optional.of(Json.write(GenerateAnswer.of(session.callSid(), next, heardBefore, playback))));
            }
        } finally {
            if (!delivered) {
                session.utterances().putBack(heardBefore); // nothing heard is lost, whatever happened
            }
        }
    }

    /** Speaks, then waits for Twilio to echo the mark (or the call to end, or the client to leave). */
    private PlaybackReport play(CallSession session, String text, CompletableFuture<Void> clientGone)
            throws SpeechException, InterruptedException {
        Playback.Sent sent;
        try {
            sent = session.speak(text);
        } catch (IOException e) {
            // The media stream is gone: the call is ending, and the utterance wait reports why.
            return new PlaybackReport(Optional.empty(), Duration.ZERO, Playback.Outcome.CALL_ENDED, Optional.empty(), Optional.empty());
        }
        Playback.Outcome outcome;
        try {
            CompletableFuture.anyOf(sent.outcome(), clientGone).get(sent.audio().plus(MARK_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            if (!sent.outcome().isDone()) { // the client left: takeTurn answers nobody
                return new PlaybackReport(Optional.of(sent.mark()), sent.audio(), Playback.Outcome.NOT_ECHOED,
                        Optional.ofNullable(sent.firstAudioAt()), Optional.empty());
            }
            outcome = sent.outcome().get();
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "call {0}: Twilio did not echo {1} within {2} ms", session.callSid(), sent.mark(),
                    sent.audio().plus(MARK_GRACE).toMillis());
            return new PlaybackReport(Optional.of(sent.mark()), sent.audio(), Playback.Outcome.NOT_ECHOED,
                    Optional.ofNullable(sent.firstAudioAt()), Optional.empty());
        } catch (ExecutionException e) {
            throw new IllegalStateException("mark outcomes complete normally", e);
        }
        Optional<Instant> playedAt = outcome == Playback.Outcome.PLAYED ? Optional.of(clock.instant()) : Optional.empty();
        return new PlaybackReport(Optional.of(sent.mark()), sent.audio(), outcome, Optional.ofNullable(sent.firstAudioAt()), playedAt);
    }

    /** Constant-time comparison, so response timing reveals nothing about the key. */
    private boolean keyMatches(String offered) {
        return offered != null && MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8),
                apiKey.orElseThrow().value().getBytes(StandardCharsets.UTF_8));
    }
}
