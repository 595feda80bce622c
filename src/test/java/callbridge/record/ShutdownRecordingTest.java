package callbridge.record;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A SIGTERM's shutdown while a call's recording is being made into its WAV: when the grace is up, the
 * call's record is written without the recording and none of the recording's temporary files is left.
 * The WAV is held up as in {@link RecordingAssemblyTest}: the far end's side is swapped for a named pipe
 * that the test holds open and writes nothing to.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownRecordingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    private Path records;

    @Test
    void shutdownWhileAWavIsBeingWritten_writesTheRecord_andLeavesNoTemporaryFile() throws Exception {
        String sid = FakeTwilioCall.newCallSid();
        Path left = records.resolve("." + sid + ".left.part");
        try (TestCallbridge server = TestCallbridge.start(Map.of("RECORDS_DIR", records.toString(), "RECORD_AUDIO", "true"));
             FakeTwilioCall call = server.call(sid)) {
            server.session(sid);
            Await.until(left + " made", WAIT, () -> Files.exists(left));
            Files.delete(left);
            Process mkfifo = new ProcessBuilder("mkfifo", left.toString()).inheritIO().start();
            assertEquals(0, mkfifo.waitFor(), "mkfifo " + left);
            // Read and write: Linux opens a pipe so without waiting for its other end (fifo(7)).
            try (FileChannel stall = FileChannel.open(left, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                call.silence(Duration.ofMillis(200)); // the far end's side has audio to read
                call.sendDtmf("1");                   // and the stream carries it in order: once heard, so was the audio
                Await.until("the key heard", WAIT, () -> server.records().find(sid).orElseThrow()
                        .path("turns").toString().contains("\"digit\":\"1\""));
                call.close();
                server.twilioRest().awaitUpdates(1, WAIT); // the call has ended and been completed

                server.app().shutdown(Duration.ZERO);

                Path record = records.resolve(sid + ".json");
                assertEquals(List.of(sid + ".json"), namesIn(records), "the record, and no temporary file");
                JsonNode json = Json.MAPPER.readTree(Files.readString(record));
                assertFalse(json.has("recording"), json.toPrettyString());
            }
        }
    }

    private static List<String> namesIn(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
