package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.call.CallRegistry;
import callbridge.call.CallSession;
import callbridge.call.FakeMediaStream;
import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.LogCapture;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The temporary files of a recording in the records directory, whose names anyone can work out from a
 * CallSid: a link planted at one of those names is never followed, so what it points to is never written;
 * and what a killed process left of them is deleted when the next one starts.
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
    private CallRegistry calls = new CallRegistry(time, sid -> {
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
            calls = new CallRegistry(time, sid -> {
            }); // a server of its own each time: an ended call stays ended, and its CallSid with it
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

    @Test
    void start_deletesTheTemporaryFilesAKilledProcessLeft_andSaysHowMany() throws Exception {
        Path target = precious(".right.part");
        List<String> leftovers = List.of("." + SID + ".left.part", SID + ".wav.part", "." + SID + "8812345.json.part");
        for (String name : leftovers) {
            Files.write(dir.resolve(name), new byte[1_000]);
        }
        Files.createSymbolicLink(dir.resolve("." + SID + ".right.part"), target);
        List<String> notOurs = List.of(SID + ".json", SID + ".wav", "notes.part", ".CA12.left.part");
        for (String name : notOurs) {
            Files.write(dir.resolve(name), new byte[10]);
        }

        try (LogCapture log = LogCapture.of(RecordWriter.class)) {
            records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
            assertEquals(List.of("INFO removed 4 temporary file(s), 3,000 bytes, left in " + dir.toAbsolutePath() + " by an earlier run"),
                    log.records().stream().map(r -> r.getLevel() + " " + new SimpleFormatter().formatMessage(r)).toList());
        }
        try (var files = Files.list(dir)) {
            assertEquals(notOurs.stream().sorted().toList(), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertEquals(PRECIOUS, Files.readString(target), "a link is deleted, not what it points to");
    }

    @Test
    void start_withNoRecordsDirectoryYet_deletesNothing() throws Exception {
        try (LogCapture log = LogCapture.of(RecordWriter.class)) {
            records = CallRecords.start(new CallRecords.Settings(Optional.of(dir.resolve("new")), true), time);
            assertEquals(List.of(), log.records());
        }
    }

    private Path precious(String name) throws Exception {
        return Files.writeString(elsewhere.resolve("precious" + name), PRECIOUS);
    }

    /** A call whose both sides have audio to record. */
    private CallSession talk() throws Exception {
        CallSession session = new FakeMediaStream("MZ" + SID.substring(2)).startCall(calls,
                FakeMediaStream.setup(Duration.ofMinutes(5), FakeMediaStream.services(time), records), SID);
        for (int i = 0; i < 50; i++) {
            time.advanceMillis(20);
            session.onAudio(FakeMediaStream.SPEECH);
        }
        FakeMediaStream.speak(session, "hola");
        return session;
    }

    private JsonNode awaitRecord() throws Exception {
        Path file = dir.resolve(SID + ".json");
        Await.until("the record file " + file, WAIT, () -> Files.exists(file));
        return Json.MAPPER.readTree(Files.readString(file));
    }
}
