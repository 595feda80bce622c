package callbridge.talk;

import callbridge.config.Secret;
import callbridge.config.UsageException;
import callbridge.json.Json;
import callbridge.time.Deadline;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A client of callbridge's {@code GET /generate}, as any driver would use it: one turn a request, the call's
 * idle limit sent along each time.
 */
final class GenerateClient {
    /** Generous for speech (people say about 15 characters a second), so a long line never cuts its own request short. */
    private static final Duration SPEECH_PER_CHARACTER = Duration.ofMillis(150);

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);
    /** A CallSid of the right shape that Twilio never gives out. */
    private static final String NO_SUCH_CALL = "CA" + "0".repeat(32);

    /** The server's longest {@code interrupt_after_ms}. */
    static final Duration MAX_CUT_IN = Duration.ofSeconds(60);

    /**
     * When a line is spoken and what answers it (the server's {@code reply_at}, {@code interrupt_after_ms} and
     * {@code answer=played}). {@code plannedGap} is the gap {@code replyAt} was drawn for, kept for the report.
     */
    record LineCue(Optional<Instant> replyAt, Optional<Duration> plannedGap, Optional<Duration> cutInAfter,
                   boolean answerOncePlayed) {
        static final LineCue AT_ONCE = new LineCue(Optional.empty(), Optional.empty(), Optional.empty(), false);

        static LineCue replyAt(Instant at, Duration gap) {
            return new LineCue(Optional.of(at), Optional.of(gap), Optional.empty(), false);
        }

        static LineCue cutIn(Duration after) {
            return new LineCue(Optional.empty(), Optional.empty(), Optional.of(after), false);
        }

        /** This cue, answered as soon as the line has played: the next line is to cut into the agent's answer. */
        LineCue answeredOncePlayed() {
            return new LineCue(replyAt, plannedGap, cutInAfter, true);
        }
    }

    private final HttpClient http;
    private final URI server;
    private final Secret apiKey;
    private final Duration wait;
    private final Duration requestTimeout;
    private final Duration talkTimeout;

    /**
     * @param wait           how long the server waits for the agent ({@code timeout})
     * @param requestTimeout how long one request may take in all
     * @param talkTimeout    the call's idle limit ({@code talk_timeout})
     */
    GenerateClient(HttpClient http, URI server, Secret apiKey, Duration wait, Duration requestTimeout, Duration talkTimeout) {
        this.http = http;
        this.server = server;
        this.apiKey = apiKey;
        this.wait = wait;
        this.requestTimeout = requestTimeout;
        this.talkTimeout = talkTimeout;
    }

    /**
     * Checks, before any call is placed, that a server is there and takes our key: {@code /health} answers,
     * and a {@code /generate} for a call that does not exist answers 204 at once (403: the key is wrong).
     */
    static void checkServer(HttpClient http, URI server, Secret apiKey) throws UsageException, InterruptedException {
        try {
            HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(server + "/health")).timeout(CHECK_TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create(server + "/generate?sid=" + NO_SUCH_CALL
                    + "&timeout=0")).timeout(CHECK_TIMEOUT).header("X-API-KEY", apiKey.value()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (health.statusCode() != 200 || probe.statusCode() != 204) {
                throw new UsageException("the callbridge server at " + server + " is not ready: /health answered "
                        + health.statusCode() + ", /generate answered " + probe.statusCode()
                        + (probe.statusCode() == 403 ? " (API_KEY is not the server's)" : ": " + probe.body().strip()));
            }
        } catch (IOException e) {
            throw new UsageException("the callbridge server at " + server + " cannot be reached: " + Failures.describe(e), e);
        }
    }

    /**
     * Waits for the agent's next words without saying any: its greeting, or what it says after keys pressed alone
     * (a request without input takes the far end's next utterance, whenever it began).
     */
    TurnAnswer listen(String callSid) throws IOException, InterruptedException {
        return ask(callSid, Map.of("first", "true"), Duration.ZERO);
    }

    /**
     * Speaks {@code line} into the call as {@code cue} says, then waits for the agent's answer. The server
     * starts its wait once the line has played, so the request may take that much longer, and longer again by
     * the wait for the cue (a gap, or the agent's speech to cut into, which the server waits for as long as it
     * waits for an answer).
     */
    TurnAnswer say(String callSid, String line, LineCue cue) throws IOException, InterruptedException {
        Map<String, String> turn = new LinkedHashMap<>();
        turn.put("input", line);
        cue.replyAt().ifPresent(at -> turn.put("reply_at", at.toString()));
        cue.cutInAfter().ifPresent(after -> turn.put("interrupt_after_ms", Long.toString(after.toMillis())));
        if (cue.answerOncePlayed()) {
            turn.put("answer", "played");
        }
        Duration cueWait = cue.cutInAfter().isPresent() ? wait : cue.plannedGap().orElse(Duration.ZERO);
        return ask(callSid, turn, SPEECH_PER_CHARACTER.multipliedBy(line.length()).plus(cueWait));
    }

    /**
     * The server's record of the call ({@code GET /calls/{sid}}): every turn with the server's own timings.
     * Unless the server already said the call is over, it is first given the time of one turn to see the
     * hang-up (Twilio's {@code stop} reaches it shortly after the call is completed): {@code /generate} returns
     * as soon as it does, so no time is spent guessing.
     */
    JsonNode record(String callSid, boolean serverSawTheEnd, Clock clock) throws IOException, InterruptedException {
        Deadline giveUp = Deadline.after(wait, clock);
        boolean ended = serverSawTheEnd;
        while (!ended && !giveUp.hasPassed()) {
            TurnAnswer answer = ask(callSid, Map.of(), Duration.ZERO);
            ended = !(answer instanceof TurnAnswer.Heard);
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(server + "/calls/" + callSid))
                .timeout(requestTimeout).header("X-API-KEY", apiKey.value()).GET().build());
        return switch (response.statusCode()) {
            case 200 -> {
                try {
                    yield Json.MAPPER.readTree(response.body());
                } catch (JsonProcessingException e) {
                    throw new IOException("the callbridge server's record of " + callSid + " is not JSON", e);
                }
            }
            case 404 -> throw new IOException("the callbridge server has no record of " + callSid);
            default -> throw new IOException("the callbridge server answered HTTP " + response.statusCode() + " for the record of "
                    + callSid + ": " + response.body().strip());
        };
    }

    private TurnAnswer ask(String callSid, Map<String, String> turn, Duration playback) throws IOException, InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("sid", callSid);
        query.putAll(turn);
        query.put("timeout", seconds(wait));
        query.put("talk_timeout", seconds(talkTimeout));
        query.put("client", "callbridge-talk");
        String encoded = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + "/generate?" + encoded))
                .timeout(requestTimeout.plus(playback))
                .header("X-API-KEY", apiKey.value())
                .GET().build();
        HttpResponse<String> response = send(request);
        return switch (response.statusCode()) {
            case 200 -> TurnAnswer.read(response.body());
            case 204 -> new TurnAnswer.Silence();
            case 403 -> throw new IOException("the callbridge server refused API_KEY (HTTP 403)");
            default -> throw new IOException("the callbridge server answered HTTP " + response.statusCode() + ": "
                    + response.body().strip());
        };
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new IOException("the callbridge server at " + server + " did not answer within the request timeout", e);
        } catch (IOException e) {
            throw new IOException("the callbridge server at " + server + " cannot be reached: " + Failures.describe(e), e);
        }
    }

    /** {@code 30}, or {@code 2.5}: the server takes fractions of a second. */
    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
