package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.call.CallRegistry;
import callbridge.call.CallServices;
import callbridge.call.CallSession;
import callbridge.call.CallStart;
import callbridge.call.FakeMediaStream;
import callbridge.call.Utterance;
import callbridge.call.UtteranceQueue;
import callbridge.json.Json;
import callbridge.speech.SpeechException;
import callbridge.speech.TextToSpeech;
import callbridge.testing.Await;
import callbridge.testing.ManualTime;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Call records and recordings without a network: a session on a {@link FakeMediaStream} whose far end
 * streams a frame every 20 ms of a {@link ManualTime} clock, so every time in the record is known exactly.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CallRecordTest {
    private static final String SID = "CA" + "3".repeat(32);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final CompletableFuture<Void> NEVER = new CompletableFuture<>();

    @TempDir
    private Path dir;
    private final ManualTime time = new ManualTime(T0);
    private final CallRegistry calls = new CallRegistry(time, sid -> {
    });
    private CallRecords records;
    private FakeMediaStream stream;
    private CallSession session;

    @AfterEach
    void stop() {
        calls.endAll(CallEnd.shutdown());
        if (records != null) {
            records.close();
        }
    }

    private void open(CallServices services) {
        records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
        stream = new FakeMediaStream("MZ" + "4".repeat(32));
        session = stream.startCall(calls, FakeMediaStream.setup(Duration.ofSeconds(50), services, records), SID,
                Map.of("From", "+34600000001", "To", "+34910000002", "Direction", "inbound"));
    }

    /** Streams {@code count} frames, each arriving 20 ms after the one before, as Twilio streams them. */
    private void frames(byte[] frame, int count) {
        for (int i = 0; i < count; i++) {
            time.advanceMillis(20);
            session.onAudio(frame);
        }
    }

    /** Silence until the call is {@code millis} old. */
    private void silenceUntil(long millis) {
        while (Duration.between(T0, time.instant()).toMillis() < millis) {
            frames(FakeMediaStream.SILENCE, 1);
        }
    }

    private Utterance awaitUtterance() throws InterruptedException {
        return assertInstanceOf(UtteranceQueue.Heard.class,
                session.utterances().takeAnswer(Instant.MIN, Duration.ofSeconds(10), NEVER)).utterance();
    }

    private JsonNode awaitRecordFile() throws Exception {
        Path file = dir.resolve(SID + ".json");
        Await.until("the record file " + file, Duration.ofSeconds(10), () -> Files.exists(file));
        return Json.MAPPER.readTree(Files.readString(file));
    }

    @Test
    void record_holdsBothSidesTurnsInOrder_withTheirTimings() throws Exception {
        open(FakeMediaStream.services(time));
        silenceUntil(1_000);
        frames(FakeMediaStream.SPEECH, 10);                 // speech from 1,020 to 1,200 ms
        frames(FakeMediaStream.SILENCE, FakeMediaStream.SILENCE_FRAMES); // the turn ends at 1,300 ms
        awaitUtterance();
        silenceUntil(1_400);
        session.onDtmf("1");
        silenceUntil(1_500);
        session.onDtmf("2");
        silenceUntil(2_000);
        String first = FakeMediaStream.speak(session, "hola"); // 160 ms of audio, sent at 2,000 ms
        silenceUntil(2_400);
        session.onMark(first);                               // played by 2,400 ms
        silenceUntil(2_700);
        frames(FakeMediaStream.SPEECH, 10);                  // the far end answers at 2,720 ms
        frames(FakeMediaStream.SILENCE, FakeMediaStream.SILENCE_FRAMES);
        awaitUtterance();
        silenceUntil(3_200);
        String second = FakeMediaStream.speak(session, "sí"); // 80 ms, but its mark comes back late
        silenceUntil(3_300);
        frames(FakeMediaStream.SPEECH, 5);                   // the far end talks over it at 3,320 ms
        frames(FakeMediaStream.SILENCE, FakeMediaStream.SILENCE_FRAMES);
        awaitUtterance();
        session.onMark(second);                              // at 3,500 ms
        assertTrue(calls.end(session, CallEnd.hungUp()));

        JsonNode record = awaitRecordFile();
        assertEquals(SID, record.path("call_sid").asText());
        assertEquals("MZ" + "4".repeat(32), record.path("stream_sid").asText());
        assertEquals("+34600000001", record.path("from").asText());
        assertEquals("+34910000002", record.path("to").asText());
        assertEquals("inbound", record.path("parameters").path("Direction").asText());
        assertEquals(T0.toString(), record.path("started_at").asText());
        assertEquals(at(3_500), record.path("ended_at").asText());
        assertEquals(3_500, record.path("duration_ms").asLong());
        assertEquals("hung up", record.path("end").path("reason").asText());
        assertEquals("call hung up", record.path("end").path("detail").asText());
        assertFalse(record.path("live").asBoolean());
        assertEquals(0, record.path("turns_dropped").asInt());

        JsonNode turns = record.path("turns");
        List<String> sides = new ArrayList<>();
        turns.forEach(turn -> sides.add(turn.path("side").asText() + " " + turn.path("kind").asText()));
        assertEquals(List.of("far_end speech", "far_end dtmf", "callbridge speech", "far_end speech",
                "callbridge speech", "far_end speech"), sides, turns.toPrettyString());

        JsonNode heard = turns.get(0);
        assertEquals("turn 1", heard.path("text").asText());
        assertEquals(at(1_020), heard.path("speech_started_at").asText());
        assertEquals(at(1_200), heard.path("speech_ended_at").asText());
        assertEquals(at(1_300), heard.path("detected_at").asText());
        assertEquals(100, heard.path("end_of_turn_delay_ms").asLong());
        assertEquals(at(1_300), heard.path("stt_started_at").asText());
        assertEquals(0, heard.path("stt_latency_ms").asLong());
        assertEquals(1_000, heard.path("speech_start_ms").asLong());
        assertEquals(1_200, heard.path("speech_end_ms").asLong());
        assertFalse(heard.path("interrupted_playback").asBoolean());

        JsonNode keys = turns.get(1).path("digits");
        assertEquals(2, keys.size());
        assertEquals("1", keys.get(0).path("digit").asText());
        assertEquals(at(1_400), keys.get(0).path("at").asText());
        assertEquals("2", keys.get(1).path("digit").asText());
        assertEquals(at(1_500), keys.get(1).path("at").asText());

        JsonNode ours = turns.get(2);
        assertEquals("hola", ours.path("text").asText());
        assertEquals(1, ours.path("number").asInt());
        assertEquals(at(2_000), ours.path("tts_started_at").asText());
        assertEquals(at(2_000), ours.path("first_audio_at").asText());
        assertEquals(0, ours.path("tts_first_audio_ms").asLong());
        assertEquals(160, ours.path("audio_ms").asLong());
        assertEquals(first, ours.path("mark").asText());
        assertEquals(at(2_400), ours.path("playback_ended_at").asText());
        assertEquals("played", ours.path("outcome").asText());
        assertEquals(320, ours.path("response_latency_ms").asLong());

        assertEquals("turn 2", turns.get(3).path("text").asText());
        assertFalse(turns.get(3).path("interrupted_playback").asBoolean(), "it began after our playback ended");
        assertEquals(-180, turns.get(4).path("response_latency_ms").asLong(), "interrupted before the mark came back");
        assertEquals("turn 3", turns.get(5).path("text").asText());
        assertTrue(turns.get(5).path("interrupted_playback").asBoolean(), "it began while our audio played");
    }

    @Test
    void recording_isStereo_farEndLeft_oursRight_whereEachWasHeard() throws Exception {
        open(FakeMediaStream.services(time));
        silenceUntil(1_000);
        frames(FakeMediaStream.SPEECH, 10);
        frames(FakeMediaStream.SILENCE, FakeMediaStream.SILENCE_FRAMES);
        awaitUtterance();
        silenceUntil(2_000);
        FakeMediaStream.speak(session, "hola");   // 160 ms at 2,000 ms...
        FakeMediaStream.speak(session, "sí");     // ...and 80 ms, sent at once, plays after it: at 2,160 ms
        silenceUntil(3_000);
        calls.end(session, CallEnd.hungUp());

        JsonNode record = awaitRecordFile();
        assertEquals(SID + ".wav", record.path("recording").path("file").asText(), record.toPrettyString());
        assertEquals(3_000, record.path("recording").path("audio_ms").asLong());
        Stereo wav = Stereo.read(dir.resolve(SID + ".wav"));
        assertEquals(3 * 8_000, wav.left().length, "3 s at 8 kHz");
        assertEquals(List.of(new Span(8_000, 9_600)), wav.spans(wav.left()), "the far end's 200 ms at 1 s, on the left");
        assertEquals(List.of(new Span(16_000, 17_920)), wav.spans(wav.right()), "our 240 ms at 2 s, on the right");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(SID + ".json", SID + ".wav"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void recording_speechThatFails_isCutWhereTheClearWent() throws Exception {
        TextToSpeech halfThenFails = (text, sink) -> {
            sink.accept(new byte[1_600]);
            throw new SpeechException("stand-in failed half way");
        };
        CallServices base = FakeMediaStream.services(time);
        open(new CallServices(base.speechToText(), halfThenFails, Optional.empty(), time, time, base.metrics(), Optional.empty()));
        silenceUntil(500);
        assertThrows(SpeechException.class, () -> FakeMediaStream.speak(session, "hola"));
        silenceUntil(1_000);
        calls.end(session, CallEnd.hungUp());

        JsonNode ours = awaitRecordFile().path("turns").get(0);
        assertEquals("failed", ours.path("outcome").asText());
        assertEquals("stand-in failed half way", ours.path("error").asText());
        assertEquals(200, ours.path("audio_ms").asLong());
        Stereo wav = Stereo.read(dir.resolve(SID + ".wav"));
        assertEquals(List.of(), wav.spans(wav.right()), "the clear dropped all of it before it played");
    }

    @Test
    void liveRecord_isTheRecordSoFar_thenTheWholeRecord() throws Exception {
        open(FakeMediaStream.services(time));
        session.onDtmf("5");
        JsonNode soFar = records.find(SID).orElseThrow();
        assertTrue(soFar.path("live").asBoolean(), soFar.toString());
        assertTrue(soFar.path("end").isMissingNode(), soFar.toString());
        assertEquals(1, soFar.path("turns").size(), soFar.toString());
        calls.end(session, CallEnd.hungUp());
        awaitRecordFile();
        assertEquals("hung up", records.find(SID).orElseThrow().path("end").path("reason").asText());
    }

    @Test
    void restartedStream_isOneCall_inTheRecord() throws Exception {
        open(FakeMediaStream.services(time));
        String restarted = "MZ" + "5".repeat(32);
        assertInstanceOf(CallRegistry.StreamStart.Restarted.class,
                calls.start(SID, new FakeMediaStream(restarted), () -> {
                    throw new AssertionError("no new session");
                }));
        JsonNode soFar = records.find(SID).orElseThrow();
        assertEquals(restarted, soFar.path("stream_sid").asText(), soFar.toString());
        assertEquals(1, soFar.path("stream_restarts").asInt(), soFar.toString());
    }

    @Test
    void journal_isBounded_andCountsWhatItLeftOut() {
        CallJournal journal = new CallJournal(new CallStart(SID, "MZ1", Map.of(), time.instant()), time, CallRecording.OFF, 3,
                reported -> {
                });
        journal.speaking("mark-1", "one", time.instant());
        journal.keyPressed("1", time.instant());
        journal.keyPressed("2", time.instant());
        journal.speaking("mark-2", "two", time.instant());
        journal.speaking("mark-3", "three", time.instant());
        journal.keyPressed("3", time.instant()); // would join the run of keys, but the record is full
        CallRecord record = journal.snapshot();
        assertEquals(2, record.turns().size(), record.toString());
        assertEquals(List.of("1", "2"), ((CallRecord.Keys) record.turns().get(1)).keys().stream().map(CallRecord.Key::digit).toList());
        assertEquals(3, record.turnsDropped());
    }

    @Test
    void recordFiles_nameOnlyWellFormedCallSids() throws IOException {
        RecordFiles files = new RecordFiles(dir);
        assertEquals(dir.toAbsolutePath().resolve(SID + ".json"), files.record(SID));
        for (String bad : List.of("../" + SID, SID + "/x", "CA" + "z".repeat(32), "", "..", "CA/../../etc/passwd")) {
            assertThrows(IllegalArgumentException.class, () -> files.record(bad), bad);
        }
        assertEquals(Optional.empty(), files.read(SID));
    }

    private static String at(long millis) {
        return T0.plusMillis(millis).toString();
    }

    /** A stretch of samples that are not silent, {@code [from, to)}. */
    record Span(int from, int to) {
    }

    /** A stereo 16-bit WAV's two channels. */
    record Stereo(short[] left, short[] right) {
        static Stereo read(Path file) throws IOException {
            ByteBuffer wav = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(2, wav.getShort(22), "channels");
            assertEquals(8_000, wav.getInt(24), "sample rate");
            assertEquals(16, wav.getShort(34), "bits per sample");
            int frames = wav.getInt(40) / 4;
            assertEquals(44 + frames * 4, wav.capacity(), "the data chunk is the rest of the file");
            short[] left = new short[frames];
            short[] right = new short[frames];
            wav.position(44);
            for (int i = 0; i < frames; i++) {
                left[i] = wav.getShort();
                right[i] = wav.getShort();
            }
            return new Stereo(left, right);
        }

        List<Span> spans(short[] channel) {
            List<Span> spans = new ArrayList<>();
            int start = -1;
            for (int i = 0; i <= channel.length; i++) {
                boolean sounding = i < channel.length && channel[i] != 0;
                if (sounding && start < 0) {
                    start = i;
                } else if (!sounding && start >= 0) {
                    spans.add(new Span(start, i));
                    start = -1;
                }
            }
            return spans;
        }
    }
}
