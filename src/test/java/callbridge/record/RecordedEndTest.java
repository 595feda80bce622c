package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.call.CallRegistry;
import callbridge.call.CallSession;
import callbridge.call.FakeMediaStream;
import callbridge.json.Json;
import callbridge.testing.Await;
import callbridge.testing.LogCapture;
import callbridge.testing.ManualTime;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a call that is no longer here ended, as its records say ({@link callbridge.call.RecordedEnds}): from its
 * record in memory, or in the records directory, so a process started after the call ended knows too; a
 * record file that cannot be read is said, and counts as none.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecordedEndTest {
    private static final String SID = "CA" + "5".repeat(32);

    @TempDir
    private Path dir;
    private final ManualTime time = new ManualTime();
    private final List<CallRecords> processes = new ArrayList<>();
    private final List<CallRegistry> registries = new ArrayList<>();

    @AfterEach
    void stop() {
        registries.forEach(registry -> registry.endAll(CallEnd.shutdown()));
        processes.forEach(CallRecords::close);
    }

    /** The records of one process on the records directory, as each start of the server makes them. */
    private CallRecords records() {
        CallRecords records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), false), time);
        processes.add(records);
        return records;
    }

    /** A call of SID that ends for {@code end}, its records kept by {@code records}. */
    private void endCall(CallRecords records, CallEnd end) {
        CallRegistry registry = new CallRegistry(time, sid -> {
        });
        registries.add(registry);
        CallSession session = new FakeMediaStream("MZ1").startCall(registry,
                FakeMediaStream.setup(Duration.ofSeconds(50), FakeMediaStream.services(time), records), SID);
        registry.end(session, end);
    }

    @ParameterizedTest
    @EnumSource(CallEnd.Reason.class)
    void recordJson_endReadsBack_asItWasWritten(CallEnd.Reason reason) throws IOException {
        CallEnd end = new CallEnd(reason, "the particulars of " + reason.word());
        CallRecord record = new CallRecord(SID, "MZ1", Map.of(), time.instant(), Optional.of(time.instant()), Optional.of(end),
                List.of(), 0, 0, Optional.empty());
        ObjectNode written = Json.MAPPER.readValue(Json.write(CallRecordJson.of(record)), ObjectNode.class);
        assertEquals(end, CallRecordJson.end(written));
    }

    @Test
    void recordJson_withoutAnEnd_orEndedForAnUnknownReason_isNotRead() throws IOException {
        CallRecord live = new CallRecord(SID, "MZ1", Map.of(), time.instant(), Optional.empty(), Optional.empty(),
                List.of(), 0, 0, Optional.empty());
        for (String record : List.of(Json.write(CallRecordJson.of(live)), "{}", "{\"end\": \"hung up\"}",
                "{\"end\": {\"reason\": \"hung up\"}}", "{\"end\": {\"reason\": \"exploded\", \"detail\": \"it exploded\"}}")) {
            ObjectNode json = Json.MAPPER.readValue(record, ObjectNode.class);
            assertThrows(IOException.class, () -> CallRecordJson.end(json), record);
        }
    }

    @Test
    void endedBeforeThisProcessStarted_isKnown_fromItsRecordFile() throws Exception {
        CallRecords earlier = records();
        endCall(earlier, CallEnd.talkTimeout(Duration.ofSeconds(50)));
        Await.until("the record file", Duration.ofSeconds(5), () -> Files.exists(dir.resolve(SID + ".json")));
        earlier.close();

        CallRecords records = records();
        assertTrue(records.hasEnded(SID));
        assertEquals(Optional.of(CallEnd.talkTimeout(Duration.ofSeconds(50))), records.recordedEnd(SID));
    }

    @Test
    void endedRecordInMemory_withoutARecordsDirectory_isKnown() throws Exception {
        CallRecords records = CallRecords.start(new CallRecords.Settings(Optional.empty(), false), time); // in memory only
        processes.add(records);
        endCall(records, CallEnd.hungUp());
        Await.until("the finished record", Duration.ofSeconds(5), () -> records.recordedEnd(SID).isPresent());
        assertEquals(Optional.of(CallEnd.hungUp()), records.recordedEnd(SID));
        assertTrue(records.hasEnded(SID));
    }

    @Test
    void unreadableRecord_isLogged_andTheCallIsNotKnownToHaveEnded() throws Exception {
        Files.writeString(dir.resolve(SID + ".json"), "{\"call_sid\": \"" + SID + "\", \"end\": {\"reason\": ");
        try (LogCapture log = LogCapture.of(CallRecords.class)) {
            assertEquals(Optional.empty(), records().recordedEnd(SID));
            log.await(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("cannot be read")
                    && r.getParameters() != null && List.of(r.getParameters()).contains(SID), Duration.ofSeconds(5));
        }
    }
}
