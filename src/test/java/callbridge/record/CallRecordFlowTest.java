package callbridge.record;

import callbridge.audio.MuLaw;
import callbridge.audio.VoiceActivityDetector;
import callbridge.audio.WebRtcVad;
import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.ClipRecognizer;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.LogCapture;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A conversation over loopback (a fake Twilio stream of real speech at real-time pace, the real VAD, the
 * ElevenLabs stand-in answering after scripted delays) leaves a record whose texts and timings are what
 * the far end and the stand-ins did, and a stereo recording with each side where it was heard.
 */
class CallRecordFlowTest {
    /** Two 20 ms frames: how far below the scripted time a measured one may be (the VAD decides per frame). */
    private static final long TOLERANCE_MS = 40;
    /**
     * How far above it: a loaded machine (the suite runs many servers at once) only ever delays a thread, by
     * tens of milliseconds; a wrong measurement is off by a silence window, a delay or a clip, each longer.
     */
    private static final long LOAD_SLACK_MS = 150;
    private static final Duration SILENCE_WINDOW = Duration.ofMillis(1_000);
    private static final Duration STT_DELAY = Duration.ofMillis(300);
    private static final Duration TTS_DELAY = Duration.ofMillis(200);
    /** The far end's pause between hearing the end of our speech and starting its own. */
    private static final Duration ANSWER_GAP = Duration.ofMillis(600);
    private static final Duration LEAD_IN = Duration.ofMillis(400);
    private static final String OURS = "Muy bien, ¿para cuántas personas?";
    private static final String GREETING = "Restaurante La Plaza, dígame.";

    @TempDir
    private Path records;

    @Test
    void conversation_leavesARecordOfWhatEachSideDid_andAStereoRecording() throws Exception {
        try (TestCallbridge server = TestCallbridge.start(Map.of("RECORDS_DIR", records.toString(), "RECORD_AUDIO", "true",
                "SILENCE_MS", Long.toString(SILENCE_WINDOW.toMillis())));
             FakeTwilioCall call = server.call()) {
            server.elevenLabs().scriptSpeechToText(new FakeElevenLabs.Slow(Duration.ZERO), new FakeElevenLabs.Slow(STT_DELAY),
                    new FakeElevenLabs.Slow(STT_DELAY));
            server.elevenLabs().scriptTextToSpeech(new FakeElevenLabs.Slow(Duration.ZERO), new FakeElevenLabs.Slow(TTS_DELAY));
            String sid = call.callSid();
            byte[] question = SpeechClips.load(SpeechClips.RESERVAR_MESA);
            byte[] answer = SpeechClips.load(SpeechClips.MANANA_NUEVE);
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);

            // A first exchange that is not measured: the first request each way pays for warming up (a new
            // connection to the stand-in, code not yet compiled), which is not what the record measures.
            CompletableFuture<HttpResponse<String>> hello = server.generateLater(Map.of("sid", sid, "first", "true", "timeout", "30"));
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), ok(hello.get(30, TimeUnit.SECONDS)).path("response").asText());
            assertEquals(204, server.generate(Map.of("sid", sid, "input", GREETING, "timeout", "0")).statusCode());

            CompletableFuture<HttpResponse<String>> first = server.generateLater(Map.of("sid", sid, "timeout", "30"));
            Duration questionAt = call.streamedSoFar().plus(LEAD_IN);
            call.silence(LEAD_IN);
            call.speak(question);
            assertEquals(SpeechClips.textOf(SpeechClips.RESERVAR_MESA), ok(first.get(30, TimeUnit.SECONDS)).path("response").asText());

            // The far end hears our answer out (the fake echoes the mark once it has played), pauses, answers.
            CompletableFuture<String> played = new CompletableFuture<>();
            call.onMarkPlayed(played::complete);
            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "input", OURS, "timeout", "30"));
            played.get(30, TimeUnit.SECONDS);
            call.speak(concat(SpeechClips.silence(ANSWER_GAP), answer));
            assertEquals(SpeechClips.textOf(SpeechClips.MANANA_NUEVE), ok(reply.get(30, TimeUnit.SECONDS)).path("response").asText());
            call.sendDtmf("4");
            call.sendDtmf("2");
            Await.until("both keys in the record", Duration.ofSeconds(10), () -> {
                JsonNode soFar = server.records().find(sid).orElseThrow().path("turns");
                JsonNode last = soFar.get(soFar.size() - 1);
                return last.path("kind").asText().equals("dtmf") && last.path("digits").size() == 2;
            });
            call.stop();

            JsonNode record = awaitRecord(sid);
            assertEquals("hung up", record.path("end").path("reason").asText());
            assertEquals("+15005550001", record.path("from").asText());
            assertEquals("+15005550002", record.path("to").asText());
            JsonNode turns = record.path("turns");
            assertEquals(6, turns.size(), turns.toPrettyString());
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), turns.get(0).path("text").asText());
            assertEquals(GREETING, turns.get(1).path("text").asText());
            assertEquals("played", turns.get(1).path("outcome").asText());

            JsonNode heard = turns.get(2);
            assertEquals("far_end", heard.path("side").asText());
            assertEquals(SpeechClips.textOf(SpeechClips.RESERVAR_MESA), heard.path("text").asText());
            assertNear(SILENCE_WINDOW.toMillis(), heard.path("end_of_turn_delay_ms").asLong(), "end-of-turn delay");
            assertSpeechToTextLatency(server, 1, heard);
            assertFalse(heard.path("interrupted_playback").asBoolean());

            JsonNode ours = turns.get(3);
            assertEquals("callbridge", ours.path("side").asText());
            assertEquals(OURS, ours.path("text").asText());
            assertNear(TTS_DELAY.toMillis(), ours.path("tts_first_audio_ms").asLong(), "text-to-speech first audio");
            assertEquals(TestCallbridge.voiceFor(OURS).length / 8, ours.path("audio_ms").asLong());
            assertEquals("played", ours.path("outcome").asText());
            assertNear(ANSWER_GAP.toMillis() + onsetMillis(answer), ours.path("response_latency_ms").asLong(), "response latency");

            JsonNode answered = turns.get(4);
            assertEquals(SpeechClips.textOf(SpeechClips.MANANA_NUEVE), answered.path("text").asText());
            assertSpeechToTextLatency(server, 2, answered);
            assertFalse(answered.path("interrupted_playback").asBoolean());

            JsonNode keys = turns.get(5);
            assertEquals("dtmf", keys.path("kind").asText());
            assertEquals(List.of("4", "2"), List.of(keys.path("digits").get(0).path("digit").asText(),
                    keys.path("digits").get(1).path("digit").asText()));

            // The recording: the question on the left where the stream carried it; our answer on the right,
            // from when it went out, after the question.
            CallRecordTest.Stereo wav = CallRecordTest.Stereo.read(records.resolve(sid + ".wav"));
            Instant start = Instant.parse(record.path("started_at").asText());
            int question8k = (int) (questionAt.toMillis() * 8);
            CallRecordTest.Span questionHeard = wav.spans(wav.left()).stream().filter(span -> span.to() > question8k)
                    .findFirst().orElseThrow();
            assertTrue(questionHeard.from() >= question8k && questionHeard.from() < question8k + 8 * 200,
                    questionHeard + " vs the question at " + question8k);
            long firstAudio = Duration.between(start, Instant.parse(ours.path("first_audio_at").asText())).toMillis() * 8;
            List<CallRecordTest.Span> right = wav.spans(wav.right()).stream().filter(span -> span.to() > question8k).toList();
            assertTrue(Math.abs(right.getFirst().from() - firstAudio) <= 8 * 20, right.getFirst() + " vs " + firstAudio);
            assertTrue(right.getFirst().from() > question8k + question.length, "our answer after the question");
            assertEquals(TestCallbridge.voiceFor(OURS).length, right.getLast().to() - right.getFirst().from(), right.toString());
        }
    }

    @Test
    void unwritableRecordsDir_losesNoCall_andIsLogged() throws Exception {
        Path notADirectory = Files.writeString(records.resolve("a-file"), "not a directory");
        try (LogCapture log = LogCapture.of(CallRecords.class, RecordWriter.class);
             TestCallbridge server = TestCallbridge.start(Map.of("RECORDS_DIR", notADirectory.resolve("records").toString(),
                     "RECORD_AUDIO", "true"));
             FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            CompletableFuture<HttpResponse<String>> first = server.generateLater(Map.of("sid", call.callSid(), "first", "true"));
            call.speak(SpeechClips.load(SpeechClips.SI_GRACIAS));
            assertEquals(SpeechClips.textOf(SpeechClips.SI_GRACIAS), ok(first.get(30, TimeUnit.SECONDS)).path("response").asText());
            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", call.callSid(), "input", "De nada"));
            call.awaitMessage(FakeTwilioCall.isEvent("mark"), Duration.ofSeconds(20));
            call.speak(SpeechClips.load(SpeechClips.HORARIO_APERTURA));
            JsonNode answer = ok(reply.get(30, TimeUnit.SECONDS));
            assertEquals("played", answer.path("playback").path("outcome").asText());
            assertEquals(SpeechClips.textOf(SpeechClips.HORARIO_APERTURA), answer.path("response").asText());
            call.stop();
            // The record cannot be written: said once, as the call's end shows it (whether the recording's own
            // writes failed first depends on whether any went out before the call ended).
            log.await(r -> r.getLevel() == Level.SEVERE && r.getMessage().contains("record not written"), Duration.ofSeconds(10));
            // The record is still served from memory.
            Await.until("the record of the ended call", Duration.ofSeconds(10), () -> {
                HttpResponse<String> found = server.get("/calls/" + call.callSid(), TestCallbridge.API_KEY);
                return found.statusCode() == 200 && Json.MAPPER.readTree(found.body()).path("end").has("reason");
            });
            server.twilioRest().awaitUpdates(1, Duration.ofSeconds(10));
        }
    }

    /** Where the VAD first hears speech in {@code clip}, after silence, in milliseconds. */
    private static long onsetMillis(byte[] clip) {
        try (VoiceActivityDetector vad = WebRtcVad.create(3)) {
            short[] pcm = new short[160];
            byte[] silence = new byte[160];
            Arrays.fill(silence, MuLaw.SILENCE);
            for (int i = 0; i < 50; i++) {
                MuLaw.decode(silence, 0, 160, pcm);
                vad.isSpeech(pcm);
            }
            for (int frame = 0; (frame + 1) * 160 <= clip.length; frame++) {
                MuLaw.decode(clip, frame * 160, 160, pcm);
                if (vad.isSpeech(pcm)) {
                    return frame * 20L;
                }
            }
        }
        throw new AssertionError("the VAD hears no speech in the clip");
    }

    private JsonNode awaitRecord(String sid) throws Exception {
        Path file = records.resolve(sid + ".json");
        Await.until("the record file " + file, Duration.ofSeconds(20), () -> Files.exists(file));
        return Json.MAPPER.readTree(Files.readString(file));
    }

    /**
     * The speech-to-text latency is the scripted delay plus what the stand-in itself spent recognising the
     * clip (its ear compares bytes, which takes a few milliseconds), within two frames.
     */
    private static void assertSpeechToTextLatency(TestCallbridge server, int request, JsonNode turn) {
        short[] pcm = server.elevenLabs().sttRequests().get(request).pcm();
        long started = System.nanoTime();
        ClipRecognizer.recognize(pcm);
        long recognising = Duration.ofNanos(System.nanoTime() - started).toMillis();
        long latency = turn.path("stt_latency_ms").asLong();
        assertTrue(latency >= STT_DELAY.toMillis() && latency <= STT_DELAY.toMillis() + recognising + LOAD_SLACK_MS,
                "speech-to-text latency: expected " + STT_DELAY.toMillis() + " ms plus " + recognising
                        + " ms of recognising (+ up to " + LOAD_SLACK_MS + "), got " + latency + " ms");
    }

    private static void assertNear(long expected, long actual, String what) {
        assertTrue(actual >= expected - TOLERANCE_MS && actual <= expected + LOAD_SLACK_MS, what + ": expected "
                + expected + " ms (- " + TOLERANCE_MS + ", + " + LOAD_SLACK_MS + "), got " + actual + " ms");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }


    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }
}
