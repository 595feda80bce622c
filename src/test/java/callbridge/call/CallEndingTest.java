package callbridge.call;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.websocket.CloseCodes;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Ending calls well": every way a call ends (stop, the WebSocket closing or failing, the talk timeout,
 * shutdown) goes through {@link CallRegistry#end}: the session goes, a waiting {@code /generate} hears
 * the reason, the stream is closed, and the call is completed at Twilio exactly once, retrying what may
 * pass. Real server on loopback; Twilio's REST API is {@link FakeTwilioRest}, scripted per call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallEndingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<TestCallbridge> servers = new ArrayList<>();
    private final CapturedLog log = CapturedLog.of(CallCompletion.class.getName());

    @AfterEach
    void stop() {
        servers.forEach(TestCallbridge::close);
        log.close();
    }

    private TestCallbridge start(Map<String, String> settings) throws Exception {
        TestCallbridge server = TestCallbridge.start(settings);
        servers.add(server);
        return server;
    }

    private TestCallbridge start() throws Exception {
        return start(Map.of());
    }

    // --- completion at Twilio while another completion hangs (retries: CallCompletionTest) ---

    @Test
    void completion_twilioNeverAnswers_otherCallsStillComplete_andTheWaitForCompletionsIsBounded() throws Exception {
        TestCallbridge server = start();
        FakeTwilioCall hung = server.call();
        FakeTwilioCall first = server.call();
        FakeTwilioCall second = server.call();
        try (hung; first; second) {
            for (FakeTwilioCall call : List.of(hung, first, second)) {
                server.session(call.callSid());
            }
            server.twilioRest().script(hung.callSid(), new FakeTwilioRest.Hang());
            hung.stop(); // its completion is stuck from here on
            server.twilioRest().awaitUpdates(1, WAIT);
            first.stop();
            second.stop();
            for (FakeTwilioCall call : List.of(first, second)) {
                awaitTrue(() -> log.about(call.callSid(), Level.INFO).contains("call " + call.callSid() + ": completed at Twilio"),
                        WAIT, call.callSid() + " completed while another completion hangs");
            }
            long started = System.nanoTime();
            assertFalse(server.completion().awaitAll(Duration.ofMillis(300)), "one completion is still stuck");
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis < 2_000, "awaitCompletions gave up after " + waitedMillis + " ms");
            assertEquals(0, server.calls().size());
        }
    }

    // --- every way a call ends: the stream, the talk timeout, a protocol error, shutdown, races ---

    @Test
    void webSocketCutWithoutStop_endsTheCall_completedOnce() throws Exception {
        TestCallbridge server = start();
        FakeTwilioCall call = server.call();
        CallSession session = server.session(call.callSid());
        call.silence(Duration.ofMillis(60));
        call.abortWithoutClose();
        UtteranceQueue.Next next = session.utterances().takeAnswer(Instant.MIN, WAIT, new CompletableFuture<>());
        CallEnd end = session.whyEnded().orElseThrow();
        assertTrue(next instanceof UtteranceQueue.Ended && end.reason() == CallEnd.Reason.STREAM_CLOSED
                && end.detail().startsWith("media stream closed (1006"), next + " " + end);
        server.twilioRest().awaitUpdates(1, WAIT);
        assertTrue(server.completion().awaitAll(WAIT), "completions finish");
        assertEquals(1, server.twilioRest().updatesFor(call.callSid()).size());
        assertTrue(server.calls().live(call.callSid()).isEmpty(), "session removed");
    }

    @Test
    void webSocketProtocolError_endsTheCall_completedOnce() throws Exception {
        TestCallbridge server = start();
        FakeTwilioCall call = server.call();
        try (call) {
            CallSession session = server.session(call.callSid());
            try {
                // Larger than any message Twilio sends: the server fails the connection with 1009.
                call.sendText("x".repeat(100 * 1024));
            } catch (RuntimeException e) {
                // the server may close while the message is still going out
            }
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            UtteranceQueue.Next next = session.utterances().takeAnswer(Instant.MIN, WAIT, new CompletableFuture<>());
            CallEnd end = session.whyEnded().orElseThrow();
            assertTrue(next instanceof UtteranceQueue.Ended && end.reason() == CallEnd.Reason.STREAM_CLOSED
                    && end.detail().startsWith("media stream closed (1009"), next + " " + end);
            server.twilioRest().awaitUpdates(1, WAIT);
            assertTrue(server.completion().awaitAll(WAIT), "completions finish");
            assertEquals(1, server.twilioRest().updatesFor(call.callSid()).size());
        }
    }

    @Test
    void talkTimeoutFromGenerate_endsTheCall_waiterHearsWhy_streamClosed_completedAtTwilio() throws Exception {
        TestCallbridge server = start();
        try (FakeTwilioCall call = server.call()) {
            server.session(call.callSid());
            long started = System.nanoTime();
            HttpResponse<String> answer = server.generate(Map.of("sid", call.callSid(), "first", "true",
                    "talk_timeout", "1", "timeout", "30"));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode body = Json.MAPPER.readTree(answer.body());
            assertEquals("call_ended", body.path("kind").asText(), answer.body());
            assertEquals("Conversation ended by Twilio", body.path("response").asText(), answer.body());
            assertEquals("talk timeout", body.path("reason").asText(), answer.body());
            assertTrue(body.path("detail").asText().startsWith("talk timeout: "), answer.body());
            assertTrue(tookMillis >= 1_000 && tookMillis < 5_000, "ended after " + tookMillis + " ms");
            assertEquals(CloseCodes.NORMAL, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            server.twilioRest().awaitUpdates(1, WAIT);
            assertTrue(server.completion().awaitAll(WAIT), "completions finish");
            assertEquals(1, server.twilioRest().updatesFor(call.callSid()).size());
        }
    }

    /** A new stream for a live call (Twilio reconnected) replaces the old one; the call itself goes on. */
    @Test
    void streamRestarted_callNotCompleted_andWhatWasHeardMovesToTheNewStream() throws Exception {
        TestCallbridge server = start();
        String sid = FakeTwilioCall.newCallSid();
        try (FakeTwilioCall first = server.call(sid)) {
            first.silence(Duration.ofMillis(200));
            first.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            first.silence(Duration.ofMillis(3_300)); // the turn ends; nobody collects it
            server.awaitHeard(sid, 1); // heard on the old stream; nobody collects it
            try (FakeTwilioCall second = server.call(sid)) {
                assertEquals(CloseCodes.NORMAL, first.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
                HttpResponse<String> answer = server.generate(Map.of("sid", sid, "first", "true", "timeout", "5"));
                assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), Json.MAPPER.readTree(answer.body()).path("response").asText(),
                        answer.body());
                assertTrue(server.completion().awaitAll(WAIT), "completions finish");
                assertEquals(List.of(), server.twilioRest().updatesFor(sid), "the call was hung up");
                assertFalse(server.session(sid).hasEnded());
            }
        }
    }

    /** Our own speech playing is not idleness: a talk timeout shorter than it must not cut it off. */
    @Test
    void talkTimeout_doesNotRunWhileOurSpeechPlays() throws Exception {
        TestCallbridge server = start(Map.of("TALK_TIMEOUT", "2"));
        try (FakeTwilioCall call = server.call()) {
            call.echoMarksAfterPlayback(true);
            String text = "x".repeat(100); // 4 s of audio from the stand-in voice
            HttpResponse<String> answer = server.generate(Map.of("sid", call.callSid(), "input", text, "timeout", "30"));
            JsonNode body = Json.MAPPER.readTree(answer.body());
            assertEquals("played", body.path("playback").path("outcome").asText(), answer.body());
            assertEquals("call_ended", body.path("kind").asText(), answer.body());
            assertEquals("Conversation ended by Twilio", body.path("response").asText(), answer.body());
            assertEquals("talk timeout", body.path("reason").asText(), answer.body());
            assertTrue(body.path("detail").asText().startsWith("talk timeout: "), answer.body());
        }
    }

    @Test
    void talkTimeoutSetting_endsAnIdleCall_completedAtTwilio() throws Exception {
        TestCallbridge server = start(Map.of("TALK_TIMEOUT", "1"));
        try (FakeTwilioCall call = server.call()) {
            CallSession session = server.session(call.callSid());
            UtteranceQueue.Next next = session.utterances().takeAnswer(Instant.MIN, WAIT, new CompletableFuture<>());
            assertTrue(next instanceof UtteranceQueue.Ended
                    && session.whyEnded().orElseThrow().reason() == CallEnd.Reason.TALK_TIMEOUT, next + " " + session.whyEnded());
            assertEquals(CloseCodes.NORMAL, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            server.twilioRest().awaitUpdates(1, WAIT);
            assertEquals(1, server.twilioRest().updatesFor(call.callSid()).size());
        }
    }

    @Test
    void shutdown_endsEveryCall_waitersHearWhy_streamsGoAway_eachCompletedOnce() throws Exception {
        TestCallbridge server = start();
        List<FakeTwilioCall> calls = new ArrayList<>();
        try (ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                FakeTwilioCall call = server.call();
                calls.add(call);
                server.session(call.callSid());
                answers.add(waiters.submit(() -> generateRetryingConflicts(server,
                        Map.of("sid", call.callSid(), "first", "true", "timeout", "60"))));
            }
            awaitTrue(() -> calls.stream().allMatch(call -> inTurn(server, call)), WAIT, "every /generate is waiting");
            long started = System.nanoTime();
            server.app().shutdown(Duration.ofSeconds(5));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 2_000, "shutdown took " + tookMillis + " ms with nothing to wait for");
            for (Future<HttpResponse<String>> future : answers) {
                HttpResponse<String> answer = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode(), answer.body());
                JsonNode body = Json.MAPPER.readTree(answer.body());
                assertEquals("call_ended", body.path("kind").asText());
                assertEquals("Conversation ended by Twilio", body.path("response").asText());
                assertEquals("shutdown", body.path("reason").asText());
            }
            for (FakeTwilioCall call : calls) {
                assertEquals(CloseCodes.GOING_AWAY, call.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            server.twilioRest().awaitUpdates(calls.size(), WAIT);
            assertTrue(server.completion().awaitAll(WAIT), "completions finish");
            for (FakeTwilioCall call : calls) {
                assertEquals(1, server.twilioRest().updatesFor(call.callSid()).size(), call.callSid());
            }
        } finally {
            calls.forEach(FakeTwilioCall::close);
        }
    }

    @Test
    void stopCloseAndShutdownRacing_eachCallCompletedExactlyOnce() throws Exception {
        TestCallbridge server = start();
        int count = 20;
        List<FakeTwilioCall> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FakeTwilioCall call = server.call();
            calls.add(call);
            server.session(call.callSid());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (ExecutorService racers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (FakeTwilioCall call : calls) {
                racers.submit(() -> race(go, failures, call::stop));
                racers.submit(() -> race(go, failures, call::close));
                racers.submit(() -> race(go, failures, () -> server.calls().live(call.callSid())
                        .ifPresent(session -> server.calls().end(session, new CallEnd(CallEnd.Reason.HUNG_UP, "ended by the test")))));
            }
            racers.submit(() -> race(go, failures, () -> server.app().shutdown(Duration.ofSeconds(5))));
            go.countDown();
        }
        assertEquals(List.of(), failures.stream().filter(f -> !(f instanceof RuntimeException)).toList());
        server.twilioRest().awaitUpdates(count, WAIT);
        assertTrue(server.completion().awaitAll(WAIT), "completions finish");
        for (FakeTwilioCall call : calls) {
            assertEquals(1, server.twilioRest().updatesFor(call.callSid()).size(), "completions of " + call.callSid());
        }
        assertEquals(count, server.twilioRest().updates().size());
        assertEquals(0, server.calls().size());
    }

    // --- a /generate that comes late ---

    @Test
    void generate_afterTheCallEnded_answersAtOnceWithTheReason() throws Exception {
        TestCallbridge server = start();
        FakeTwilioCall call = server.call();
        try (call) {
            server.session(call.callSid());
            call.stop();
            server.twilioRest().awaitUpdates(1, WAIT);
        }
        long started = System.nanoTime();
        HttpResponse<String> answer = server.generate(Map.of("sid", call.callSid(), "first", "true", "timeout", "20"));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = Json.MAPPER.readTree(answer.body());
        assertEquals("call_ended", body.path("kind").asText(), answer.body());
        assertEquals("Conversation ended by Twilio", body.path("response").asText(), answer.body());
        assertEquals("hung up", body.path("reason").asText(), answer.body());
        assertTrue(tookMillis < 2_000, "answered after " + tookMillis + " ms, not at the end of its timeout");

        HttpResponse<String> spoken = server.generate(Map.of("sid", call.callSid(), "input", "hola", "timeout", "20"));
        assertEquals(200, spoken.statusCode(), spoken.body());
        JsonNode spokenBody = Json.MAPPER.readTree(spoken.body());
        assertEquals("call_ended", spokenBody.path("kind").asText(), spoken.body());
        assertEquals("call_ended", spokenBody.path("playback").path("outcome").asText(), spoken.body());
        assertEquals(List.of(), server.elevenLabs().ttsRequests(), "nothing is synthesized for a call that has ended");
    }

    @Test
    void shutdown_wakesAGenerateWaitingForACallThatNeverCame() throws Exception {
        TestCallbridge server = start();
        try (ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Optional<CallSession>> lookup = waiters.submit(() ->
                    server.calls().awaitCall(FakeTwilioCall.newCallSid(), Duration.ofSeconds(60), new CompletableFuture<>()));
            Future<HttpResponse<String>> answer = waiters.submit(() ->
                    server.generate(Map.of("sid", FakeTwilioCall.newCallSid(), "first", "true", "timeout", "60")));
            // Both the direct lookup and the /generate are waiting for their calls before the shutdown begins.
            Await.until("two waiters for calls", WAIT, () -> server.calls().waitingForCalls() == 2);
            long started = System.nanoTime();
            server.app().shutdown(Duration.ofSeconds(5));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 2_000, "shutdown took " + tookMillis + " ms: it waited for a call that cannot come");
            assertEquals(Optional.empty(), lookup.get(1, TimeUnit.SECONDS));
            // The answer gets out: the front door lets relays finish before it drops connections.
            assertEquals(204, answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
        }
    }

    // --- without Twilio credentials ---

    @Test
    void withoutTwilioCredentials_callsWorkAndEnd_notCompleted_oneWarningPerCall() throws Exception {
        TestCallbridge server = start(Map.of("TWILIO_ACCOUNT_SID", "", "TWILIO_AUTH_TOKEN", ""));
        List<String> callSids = new ArrayList<>();
        try (ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2; i++) {
                try (FakeTwilioCall call = server.call()) {
                    callSids.add(call.callSid());
                    server.session(call.callSid());
                    call.echoMarksAfterPlayback(true);
                    Future<HttpResponse<String>> answer = waiters.submit(() ->
                            server.generate(Map.of("sid", call.callSid(), "input", "hola", "timeout", "30")));
                    CompletableFuture<String> played = new CompletableFuture<>();
                    call.onMarkPlayed(played::complete);
                    String mark = call.awaitMessage(FakeTwilioCall.isEvent("mark"), WAIT).path("mark").path("name").asText();
                    // Echoed once the 160 ms of speech has played: the call works both ways.
                    assertEquals(mark, played.get(WAIT.toSeconds(), TimeUnit.SECONDS), "Twilio echoes " + mark);
                    call.stop();
                    HttpResponse<String> response = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertEquals(200, response.statusCode(), response.body());
                    JsonNode body = Json.MAPPER.readTree(response.body());
                    assertEquals("call_ended", body.path("kind").asText(), response.body());
                    assertEquals("Conversation ended by Twilio", body.path("response").asText(), response.body());
                    assertEquals("hung up", body.path("reason").asText(), response.body());
                    assertEquals("played", body.path("playback").path("outcome").asText(), response.body());
                }
            }
        }
        for (String callSid : callSids) {
            // Logged when the call has ended, which its /generate may hear of a moment before.
            awaitTrue(() -> !log.about(callSid, Level.WARNING).isEmpty(), WAIT, "a warning about " + callSid);
        }
        assertEquals(List.of(), server.twilioRest().updates(), "nothing can be completed without credentials");
        assertEquals(0, server.calls().size());
        for (String callSid : callSids) {
            List<String> warnings = log.about(callSid, Level.WARNING);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.getFirst().contains("not completed at Twilio"), warnings.getFirst());
        }
    }

    // --- helpers ---

    /**
     * {@code /generate}, asked again on 409: {@link #inTurn} probes by taking the call's turn for an instant,
     * and a /generate arriving in that instant is turned away.
     */
    private static HttpResponse<String> generateRetryingConflicts(TestCallbridge server, Map<String, String> query)
            throws Exception {
        while (true) {
            HttpResponse<String> answer = server.generate(query);
            if (answer.statusCode() != 409) {
                return answer;
            }
        }
    }

    /** True while a /generate holds the call (a second one would get 409). */
    private static boolean inTurn(TestCallbridge server, FakeTwilioCall call) {
        return server.calls().live(call.callSid()).map(session -> {
            if (session.beginTurn()) {
                session.endTurn();
                return false;
            }
            return true;
        }).orElse(false);
    }

    private static void race(CountDownLatch go, List<Throwable> failures, Runnable action) {
        try {
            go.await();
            action.run();
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    private static void awaitTrue(Await.State condition, Duration timeout, String what) throws Exception {
        Await.until(what, timeout, condition);
    }

    /** Records what one java.util.logging logger (where System.Logger writes) logs, formatted. */
    static final class CapturedLog extends Handler implements AutoCloseable {
        private final Logger logger;
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final SimpleFormatter formatter = new SimpleFormatter();

        private CapturedLog(Logger logger) {
            this.logger = logger; // held here: JUL keeps loggers only weakly
        }

        static CapturedLog of(String name) {
            CapturedLog log = new CapturedLog(Logger.getLogger(name));
            log.setLevel(Level.ALL);
            log.logger.addHandler(log);
            return log;
        }

        /**
         * Messages naming {@code callSid} logged at exactly {@code level} ({@link Level#ALL}: any level). The
         * logger is shared by every server in this JVM, and completions of earlier tests' calls may still be
         * logging, so a test only looks at its own calls.
         */
        List<String> about(String callSid, Level level) {
            return records.stream()
                    .filter(r -> level == Level.ALL || r.getLevel().equals(level))
                    .map(formatter::formatMessage)
                    .filter(message -> message.contains(callSid))
                    .toList();
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
