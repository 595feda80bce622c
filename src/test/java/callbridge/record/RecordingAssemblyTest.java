package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.call.CallRegistry;
import callbridge.call.CallSession;
import callbridge.call.FakeMediaStream;
import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.ManualTime;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A recording made into its WAV when its call ends, while other calls end too and the server shuts down.
 * The WAV of a long call takes long to write (13 s for an hour); here one that never finishes by itself
 * stands for it: the far end's side of call A is swapped, once the recording has made it, for a named pipe
 * that the test holds open for writing and writes nothing to, so reading it waits until the test closes it,
 * as a stalled disk would. The recording's own thread keeps writing into the file it opened.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordingAssemblyTest {
    private static final String A = "CA" + "a".repeat(32);
    private static final String B = "CA" + "b".repeat(32);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    private Path dir;
    private final ManualTime time = new ManualTime(Instant.parse("2025-01-01T00:00:00Z"));
    private final CallRegistry calls = new CallRegistry(time, sid -> {
    });
    private CallRecords records;
    /** The test's end of call A's stalled side: closing it lets the WAV be written. */
    private FileChannel stall;

    @AfterEach
    void stop() throws Exception {
        calls.endAll(CallEnd.shutdown());
        if (stall != null) {
            stall.close();
        }
        records.close();
    }

    @Test
    void aWavBeingWritten_holdsUpNoOtherCallsRecord() throws Exception {
        records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
        CallSession a = open(A);
        CallSession b = open(B);
        stallFarEnd(A);
        talk(a);
        talk(b);

        calls.end(a, CallEnd.hungUp());
        calls.end(b, CallEnd.hungUp());
        assertEquals("hung up", awaitRecord(B).path("end").path("reason").asText(), "B's record, while A's WAV waits");
        assertEquals(B + ".wav", awaitRecord(B).path("recording").path("file").asText());

        stall.close();
        assertEquals(A + ".wav", awaitRecord(A).path("recording").path("file").asText(), "A's WAV, once its disk goes on");
        assertEquals(List.of(), partsIn(dir));
    }

    @Test
    void close_waitsForAWavBeingWritten() throws Exception {
        records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
        CallSession a = open(A);
        stallFarEnd(A);
        talk(a);
        calls.end(a, CallEnd.hungUp());

        Thread closing = Thread.ofVirtual().start(() -> records.close(WAIT.multipliedBy(2)));
        // Closing has nothing to do but wait for A's WAV: once it waits, the disk goes on.
        Await.until("closing waits", WAIT, () -> closing.getState() == Thread.State.TIMED_WAITING);
        stall.close();
        closing.join();

        assertEquals(A + ".wav", readRecord(A).path("recording").path("file").asText(), "written before close returned");
        assertEquals(List.of(), partsIn(dir));
    }

    @Test
    void close_thatCannotWait_writesTheRecordWithoutTheWav_andDeletesItsParts() throws Exception {
        records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
        CallSession a = open(A);
        stallFarEnd(A);
        talk(a);
        calls.end(a, CallEnd.hungUp());

        records.close(Duration.ZERO);

        JsonNode record = readRecord(A);
        assertEquals("hung up", record.path("end").path("reason").asText(), "written before close returned");
        assertFalse(record.has("recording"), record.toPrettyString());
        assertEquals(List.of(), partsIn(dir), "no temporary file outlives the closing");
    }

    @Test
    void close_withACallStillTranscribing_writesWhatItHasAndDeletesItsParts() throws Exception {
        records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
        CallSession a = open(A);
        talk(a);
        Await.until("A's recording files", WAIT, () -> partsIn(dir).size() == 2);

        records.close(Duration.ZERO); // A has not ended: its journal is still open

        assertEquals(A, readRecord(A).path("call_sid").asText());
        assertEquals(List.of(), partsIn(dir));
    }

    private CallSession open(String sid) {
        return new FakeMediaStream("MZ" + sid.substring(2)).startCall(calls,
                FakeMediaStream.setup(Duration.ofMinutes(5), FakeMediaStream.services(time), records), sid);
    }

    /** A second of the far end's silence, then our speech: both sides have audio to write. */
    private void talk(CallSession session) throws Exception {
        for (int i = 0; i < 50; i++) {
            time.advanceMillis(20);
            session.onAudio(FakeMediaStream.SILENCE);
        }
        FakeMediaStream.speak(session, "hola");
    }

    /**
     * Swaps the far end's side of {@code sid}'s recording, once made, for a named pipe that only the test
     * writes to: the WAV waits to read it until {@link #stall} is closed.
     */
    private void stallFarEnd(String sid) throws Exception {
        Path left = dir.resolve("." + sid + ".left.part");
        Await.until(left + " made", WAIT, () -> Files.exists(left));
        Files.delete(left);
        Process mkfifo = new ProcessBuilder("mkfifo", left.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + left);
        // Read and write: Linux opens a pipe so without waiting for its other end (fifo(7)).
        stall = FileChannel.open(left, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private JsonNode awaitRecord(String sid) throws Exception {
        Path file = dir.resolve(sid + ".json");
        Await.until("the record file " + file, WAIT, () -> Files.exists(file));
        return Json.MAPPER.readTree(Files.readString(file));
    }

    private JsonNode readRecord(String sid) throws Exception {
        return Json.MAPPER.readTree(Files.readString(dir.resolve(sid + ".json")));
    }

    static List<String> partsIn(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".part")).sorted().toList();
        }
    }
}
