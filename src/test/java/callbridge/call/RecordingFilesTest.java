package callbridge.call;

import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.ManualTime;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The temporary files of a recording in the records directory, whose names anyone can work out from a
 * CallSid: a link planted at one of those names is never followed, so what it points to is never written.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordingFilesTest {
    private static final String SID = "CA" + "c".repeat(32);
    private static final String PRECIOUS = "not callbridge's to write";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    private Path dir;
    @TempDir
    private Path elsewhere;
    private final ManualTime time = new ManualTime(Instant.parse("2025-01-01T00:00:00Z"));
    private final CallRegistry calls = new CallRegistry(time, sid -> {
    });
    private CallRecords records;

    @AfterEach
    void stop() {
        calls.endAll(CallEnd.shutdown());
        if (records != null) {
            records.close();
        }
    }

    @Test
    void aLinkAtASidesFileName_isRefused_andTheCallIsRecordedWithoutAudio() throws Exception {
        for (String side : List.of(".left.part", ".right.part")) {
            Path target = precious(side);
            records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
            Files.createSymbolicLink(dir.resolve("." + SID + side), target);
            CallSession session = talk();
            calls.end(session, CallEnd.hungUp());

            JsonNode record = awaitRecord();
            assertEquals(PRECIOUS, Files.readString(target), side + ": the link's target is untouched");
            assertFalse(record.has("recording"), side + ": the recording stopped at once\n" + record.toPrettyString());
            records.close();
            Files.deleteIfExists(dir.resolve(SID + ".json"));
        }
    }

    @Test
    void aLinkAtTheWavsTemporaryName_isRefused() throws Exception {
        Path target = precious(".wav.part");
        records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
        Files.createSymbolicLink(dir.resolve(SID + ".wav.part"), target);
        CallSession session = talk();
        calls.end(session, CallEnd.hungUp());

        JsonNode record = awaitRecord();
        assertEquals(PRECIOUS, Files.readString(target), "the link's target is untouched");
        assertFalse(record.has("recording"), record.toPrettyString());
        assertFalse(Files.exists(dir.resolve(SID + ".wav"), LinkOption.NOFOLLOW_LINKS), "no WAV, and no link moved in as one");
    }

    private Path precious(String name) throws Exception {
        return Files.writeString(elsewhere.resolve("precious" + name), PRECIOUS);
    }

    /** A call whose both sides have audio to record. */
    private CallSession talk() throws Exception {
        CallSession session = FakeMediaStream.setup(Duration.ofMinutes(5), FakeMediaStream.services(time), records)
                .open(SID, new FakeMediaStream("MZ" + SID.substring(2)), Map.of());
        calls.add(session);
        for (int i = 0; i < 50; i++) {
            time.advanceMillis(20);
            session.onAudio(FakeMediaStream.SPEECH);
        }
        session.speak("hola");
        return session;
    }

    private JsonNode awaitRecord() throws Exception {
        Path file = dir.resolve(SID + ".json");
        Await.until("the record file " + file, WAIT, () -> Files.exists(file));
        return Json.MAPPER.readTree(Files.readString(file));
    }
}
