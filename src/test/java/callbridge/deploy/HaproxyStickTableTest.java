package callbridge.deploy;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's stick table remembers a CallSid only once an instance has accepted a request of its call and
 * has the call: anyone on the internet can send requests that name a CallSid, and each one remembered would
 * take a place a live call needs (the table holds 100k and forgets the oldest); an instance that answers "not
 * here" would take a live call's entry from the instance that has it. Read through HAProxy's runtime API.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaproxyStickTableTest {
    @TempDir
    private Path directory;
    private Deployment deployment;

    @AfterEach
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    void forgedOrUnknownCalls_leaveNoEntry_signedWebhooksLeaveOne() throws Exception {
        deployment = Deployment.start(directory, Map.of());
        String forgedWebhook = FakeTwilioCall.newCallSid();
        String forgedStream = FakeTwilioCall.newCallSid();
        String forgedRecord = FakeTwilioCall.newCallSid();

        assertEquals(403, Caller.postWebhook(deployment, forgedWebhook, "not-the-auth-token").statusCode());
        URI stream = URI.create("wss://" + deployment.publicUrl().getRawAuthority() + "/media/" + forgedStream + "/forged-token");
        CompletionException refused = assertThrows(CompletionException.class, () -> deployment.http().newWebSocketBuilder()
                .buildAsync(stream, new WebSocket.Listener() {
                }).join());
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
        assertEquals(403, withoutKey("/calls/" + forgedRecord).statusCode());

        String inbound = FakeTwilioCall.newCallSid();
        HttpResponse<String> answered = Caller.postWebhook(deployment, inbound, FakeTwilioRest.AUTH_TOKEN);
        assertEquals(200, answered.statusCode(), answered.body());
        // A driver's request for a call that is not there (yet) is answered 204 "unknown": that instance does not
        // have the call, and must not take its entry from the one that will. The webhook then leaves the entry.
        String placed = FakeTwilioCall.newCallSid();
        HttpResponse<String> early = Driver.get(deployment, "/generate?sid=" + placed + "&timeout=0");
        assertEquals(204, early.statusCode(), early.body());
        assertEquals("unknown", early.headers().firstValue("X-Callbridge-Call").orElseThrow());
        assertEquals(Map.of(inbound, instanceOf(answered)), stickTable(),
                "only the call an instance accepted, not " + List.of(forgedWebhook, forgedStream, forgedRecord, placed));
        HttpResponse<String> placedAnswered = Caller.postWebhook(deployment, placed, FakeTwilioRest.AUTH_TOKEN);
        assertEquals(200, placedAnswered.statusCode(), placedAnswered.body());

        assertEquals(Map.of(inbound, instanceOf(answered), placed, instanceOf(placedAnswered)), stickTable());
    }

    private static String instanceOf(HttpResponse<String> response) {
        return response.headers().firstValue(Deployment.INSTANCE_HEADER).orElseThrow();
    }

    private HttpResponse<String> withoutKey(String pathAndQuery) throws Exception {
        return deployment.http().send(HttpRequest.newBuilder(URI.create(deployment.publicUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** CallSid to the server it sticks to, from {@code show table}: lines such as {@code 0x..: key=CA.. use=0 exp=.. server_id=1 server_key=cb1}. */
    private Map<String, String> stickTable() throws Exception {
        Map<String, String> entries = new HashMap<>();
        for (String line : deployment.haproxy().command("show table " + Haproxy.BACKEND).lines().toList()) {
            Map<String, String> fields = new HashMap<>();
            for (String field : line.split(" ")) {
                int equals = field.indexOf('=');
                if (equals > 0) {
                    fields.put(field.substring(0, equals), field.substring(equals + 1));
                }
            }
            if (fields.containsKey("key")) {
                entries.put(fields.get("key"), fields.getOrDefault("server_key", "(server " + fields.get("server_id") + ")"));
            }
        }
        return entries;
    }
}
