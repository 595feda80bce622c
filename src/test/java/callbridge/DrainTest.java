package callbridge;

import callbridge.json.Json;
import callbridge.metrics.PrometheusText;
import callbridge.server.CallbridgeServer;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.ManualTime;
import callbridge.testing.PrometheusScrape;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TwilioDialer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Callbridge#drain}: the instance stops being offered new calls ({@code /health} 404) and goes on
 * serving the calls it has, then returns once none needs it, or at its timeout, or when told to end them
 * now. The real server over loopback, a fake Twilio on the other side.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> SETTINGS = Map.of("INSTANCE_ID", "cb-drain", "TALK_TIMEOUT", "3600");

    private final ManualTime time = new ManualTime();
    private TestCallbridge server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void drain_servesTheLiveCallAndANewOne_andReturnsOnceBothHaveEnded() throws Exception {
        server = TestCallbridge.start(SETTINGS);
        FakeTwilioCall before = server.call();
        server.session(before.callSid());
        CompletableFuture<Boolean> drained = drainInBackground(Duration.ofMinutes(5), new CountDownLatch(1));
        awaitHealth(404, "draining");
        assertEquals(200, server.get("/health/live", null).statusCode(), "alive while draining");

        // The far end still speaks and is still heard; a driver still gets its turn.
        CompletableFuture<HttpResponse<String>> turn = server.generateLater(Map.of("sid", before.callSid(), "timeout", "10"));
        before.speak(SpeechClips.load(SpeechClips.RESERVAR_MESA));
        before.silence(Duration.ofSeconds(3));
        HttpResponse<String> answer = turn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("utterance", Json.MAPPER.readTree(answer.body()).path("kind").asText(), answer.body());
        assertEquals("cb-drain", answer.headers().firstValue(CallbridgeServer.INSTANCE_HEADER).orElse(""));

        // A webhook that comes before the load balancer has seen the 404: its caller is served here.
        FakeTwilioCall late = server.call();
        server.session(late.callSid());
        assertFalse(drained.isDone(), "two calls are still here");

        before.stop();
        late.stop();
        assertTrue(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS), "drained: no call left");
        server.twilioRest().awaitUpdates(2, WAIT);
        assertEquals(0, server.calls().size());
    }

    @Test
    void answeredWebhook_keepsTheDrain_untilItsStreamHasComeAndGone() throws Exception {
        server = TestCallbridge.start(SETTINGS);
        TwilioDialer twilio = server.twilio();
        String callSid = FakeTwilioCall.newCallSid();
        TwilioDialer.Stream stream = twilio.webhook(callSid); // Twilio has the TwiML; its stream is on its way
        CompletableFuture<Boolean> drained = drainInBackground(Duration.ofMinutes(5), new CountDownLatch(1));
        awaitHealth(404, "draining");
        assertEquals(1, PrometheusScrape.parse(PrometheusText.render(server.metrics())).value("callbridge_calls_needing_instance"),
                "the stream to come");
        assertFalse(drained.isDone());

        try (FakeTwilioCall call = twilio.connect(callSid, stream)) {
            server.session(callSid);
            assertFalse(drained.isDone(), "its call is live");
            call.stop();
            assertTrue(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void drainTimeout_returnsFalse_andTheShutdownEndsWhatIsLeft() throws Exception {
        server = TestCallbridge.start(SETTINGS, time);
        FakeTwilioCall call = server.call();
        server.session(call.callSid());
        CompletableFuture<Boolean> drained = drainInBackground(Duration.ofSeconds(60), new CountDownLatch(1));
        awaitHealth(404, "draining");
        time.advance(Duration.ofSeconds(59));
        assertFalse(drained.isDone(), "a second of the timeout is left");
        time.advance(Duration.ofSeconds(2));
        assertFalse(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS), "timed out with a call left");

        server.app().shutdown(WAIT);
        assertEquals(1001, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS), "ended as a shutdown ends it");
        assertEquals(1, server.twilioRest().updatesFor(call.callSid()).size(), "completed at Twilio");
    }

    @Test
    void endNow_stopsTheDrain_atOnce() throws Exception {
        server = TestCallbridge.start(SETTINGS);
        FakeTwilioCall call = server.call();
        server.session(call.callSid());
        CountDownLatch endNow = new CountDownLatch(1);
        CompletableFuture<Boolean> drained = drainInBackground(Duration.ofHours(1), endNow);
        awaitHealth(404, "draining");
        endNow.countDown();
        assertFalse(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertFalse(call.closed().isDone(), "the drain ends nothing itself: the shutdown after it does");
    }

    @Test
    void drain_withNoCalls_returnsAtOnce() throws Exception {
        server = TestCallbridge.start(SETTINGS);
        assertTrue(server.app().drain(Duration.ofHours(1), new CountDownLatch(1)));
        awaitHealth(404, "draining");
    }

    private CompletableFuture<Boolean> drainInBackground(Duration timeout, CountDownLatch endNow) {
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                drained.complete(server.app().drain(timeout, endNow));
            } catch (Throwable e) {
                drained.completeExceptionally(e);
            }
        });
        return drained;
    }

    private void awaitHealth(int status, String word) throws Exception {
        Await.until("/health " + status, WAIT, () -> server.get("/health", null).statusCode() == status);
        HttpResponse<String> health = server.get("/health", null);
        JsonNode body = Json.MAPPER.readTree(health.body());
        assertEquals(word, body.path("status").asText(), health.body());
        assertEquals("cb-drain", health.headers().firstValue(CallbridgeServer.INSTANCE_HEADER).orElse(""));
    }
}
