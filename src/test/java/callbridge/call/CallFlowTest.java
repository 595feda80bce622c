package callbridge.call;

import callbridge.json.Json;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls end to end over real sockets: fake Twilio media streams carrying real speech at real-time pace,
 * the real VAD, the real ElevenLabs client against its stand-in (which recognises the clips by their
 * bytes), and the Twilio REST stand-in for completion.
 */
class CallFlowTest {
    /** Longer than the 2.8 s silence window, so each sentence is its own turn. */
    private static final Duration PAUSE = Duration.ofMillis(3_300);
    private static final Duration LEAD_IN = Duration.ofMillis(400);
    /** How far a detected turn may be from where the clip really was on the stream's timeline. */
    private static final long TOLERANCE_MS = 300;

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    /** One call's script and what the test saw of it. */
    private record Spoken(String clip, Duration start, Duration end) {
    }

    @Test
    void fiftyConcurrentCalls_eachGetsExactlyItsTwoTurns_atTheRightTimes() throws Exception {
        int calls = 50;
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                List<String> clips = List.of(SpeechClips.ALL.get(i % 4), SpeechClips.ALL.get((i + 1 + i / 4) % 4));
                results.add(callers.submit(() -> {
                    oneCallSaysTwoSentences(clips);
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(90, TimeUnit.SECONDS);
            }
        }
        assertEquals(2 * calls, server.elevenLabs().sttRequests().size());
        assertEquals(List.of(), server.elevenLabs().problems());
        server.twilioRest().awaitUpdates(calls, Duration.ofSeconds(10));
        assertEquals(0, server.calls().size(), "sessions left behind");
    }

    private void oneCallSaysTwoSentences(List<String> clips) throws Exception {
        try (FakeTwilioCall call = server.call()) {
            CallSession session = server.session(call.callSid());
            List<Spoken> spoken = new ArrayList<>();
            call.silence(LEAD_IN);
            for (String clip : clips) {
                byte[] audio = SpeechClips.load(clip);
                Duration start = call.streamedSoFar();
                call.speak(audio);
                spoken.add(new Spoken(clip, start, start.plus(SpeechClips.durationOf(audio))));
                call.silence(PAUSE);
            }
            call.stop();
            for (Spoken expected : spoken) {
                UtteranceQueue.Next next = session.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(20), new CompletableFuture<>());
                Utterance heard = assertInstanceOf(UtteranceQueue.Heard.class, next, call.callSid()).utterance();
                assertEquals(SpeechClips.textOf(expected.clip()), heard.text(), call.callSid());
                assertNear(expected.start(), heard.speechStart(), "speech start of " + expected.clip());
                assertNear(expected.end(), heard.speechEnd(), "speech end of " + expected.clip());
            }
            assertInstanceOf(UtteranceQueue.Ended.class, session.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(10), new CompletableFuture<>()),
                    "exactly two turns in " + call.callSid());
        }
    }

    @Test
    void stop_endsTheSession_closesTheStream_andCompletesTheCallOnce() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            CallSession session = server.session(call.callSid());
            assertEquals(Optional.of(session), server.calls().live(call.callSid()));
            call.sendDtmf("7");
            call.echoMark("someone-elses-mark");
            call.silence(Duration.ofMillis(100));
            call.stop();
            assertEquals(1000, call.closed().get(5, TimeUnit.SECONDS));
            HttpResponse<String> answer = server.generate(Map.of("sid", call.callSid(), "first", "true", "timeout", "5"));
            JsonNode body = Json.MAPPER.readTree(answer.body());
            assertEquals("hung up", body.path("reason").asText(), answer.body());
            assertEquals(List.of("7"), List.of(body.path("dtmf").get(0).asText()), answer.body());
            assertEquals(1, body.path("dtmf").size(), answer.body());
            assertEquals(Optional.empty(), server.calls().live(call.callSid()));
            server.twilioRest().awaitUpdates(1, Duration.ofSeconds(5));
            assertTrue(server.completion().awaitAll(Duration.ofSeconds(5)), "completions finish");
            List<FakeTwilioRest.CallUpdate> updates = server.twilioRest().updatesFor(call.callSid());
            assertEquals(1, updates.size());
            assertEquals("completed", updates.getFirst().form().get("Status"));
        }
    }

    @Test
    void webSocketCutWithoutStop_endsTheCallAndCompletesIt() throws Exception {
        FakeTwilioCall call = server.call();
        CallSession session = server.session(call.callSid());
        call.silence(Duration.ofMillis(100));
        call.abortWithoutClose();
        UtteranceQueue.Next next = session.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(5), new CompletableFuture<>());
        assertInstanceOf(UtteranceQueue.Ended.class, next);
        assertEquals(CallEnd.Reason.STREAM_CLOSED, session.whyEnded().orElseThrow().reason(), next.toString());
        server.twilioRest().awaitUpdates(1, Duration.ofSeconds(5));
        assertEquals(call.callSid(), server.twilioRest().updates().getFirst().callSid());
    }

    @Test
    void malformedMessages_areIgnored_andTheCallGoesOn() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            CallSession session = server.session(call.callSid());
            call.sendText("this is not JSON");
            call.sendText("{\"event\":\"media\",\"streamSid\":\"" + call.streamSid() + "\",\"media\":{\"payload\":\"%%%\"}}");
            call.sendText("{\"event\":\"some-future-event\"}");
            call.silence(Duration.ofMillis(200));
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            call.silence(PAUSE);
            Utterance heard = ((UtteranceQueue.Heard) session.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(10), new CompletableFuture<>())).utterance();
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), heard.text());
            assertTrue(call.closed().getNow(-1) == -1, "the stream is still open");
        }
    }

    @Test
    void transcriptionFailure_isKeptAsAnUtteranceWithTheError() throws Exception {
        server.elevenLabs().scriptSpeechToText(new callbridge.testing.FakeElevenLabs.Fail(422, "audio too short"));
        try (FakeTwilioCall call = server.call()) {
            CallSession session = server.session(call.callSid());
            call.silence(Duration.ofMillis(200));
            call.speak(SpeechClips.load(SpeechClips.MANANA_NUEVE));
            call.silence(PAUSE);
            Utterance heard = ((UtteranceQueue.Heard) session.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(10), new CompletableFuture<>())).utterance();
            assertTrue(heard.error().orElseThrow().contains("audio too short"), heard.toString());
            assertEquals("", heard.text());
        }
    }

    private static void assertNear(Duration expected, Duration actual, String what) {
        long off = Math.abs(expected.toMillis() - actual.toMillis());
        assertTrue(off <= TOLERANCE_MS, what + ": expected " + expected.toMillis() + " ms, got " + actual.toMillis()
                + " ms (" + off + " ms off)");
    }
}
