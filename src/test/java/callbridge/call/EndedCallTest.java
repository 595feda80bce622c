package callbridge.call;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call that has ended is answered at once by whatever this process still knows of it: its session kept a
 * while, its end remembered, or its record, in memory or in the records directory (so a process started
 * after the call ended knows too). Every turn here asks with a timeout far longer than the test's own: a
 * turn that waited for the call, or for a cue, fails the test instead of passing late.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EndedCallTest {
    private static final String SID = "CA" + "5".repeat(32);
    /** Longer than the test's own timeout, and within what a request may ask. */
    private static final Duration LONG = Duration.ofMinutes(10);
    private static final CompletableFuture<Void> NEVER = new CompletableFuture<>();

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

    private CallRegistry registry() {
        CallRegistry registry = new CallRegistry(time, sid -> {
        });
        registries.add(registry);
        return registry;
    }

    private CallSession open(CallRegistry registry, CallRecords records) {
        CallSession session = FakeMediaStream.setup(Duration.ofSeconds(50), FakeMediaStream.services(time), records)
                .open(SID, new FakeMediaStream("MZ1"), Map.of());
        registry.add(session);
        return session;
    }

    /** A call that ended for {@code end} in an earlier process, whose record is then in the records directory. */
    private void endedInAnEarlierProcess(CallEnd end) throws Exception {
        CallRecords earlier = records();
        CallRegistry registry = registry();
        registry.end(open(registry, earlier), end);
        Await.until("the record file", Duration.ofSeconds(5), () -> Files.exists(dir.resolve(SID + ".json")));
        earlier.close();
    }

    private static TurnRequest listen(Duration timeout) {
        return new TurnRequest(SID, Optional.empty(), timeout, Optional.empty(), new SpeechCue.Now(), false);
    }

    private static TurnRequest say(String text, SpeechCue cue) {
        return new TurnRequest(SID, Optional.of(text), LONG, Optional.empty(), cue, false);
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
    void endedBeforeThisProcessStarted_isAnsweredAtOnce_fromItsRecord() throws Exception {
        endedInAnEarlierProcess(CallEnd.talkTimeout(Duration.ofSeconds(50)));
        CallRecords records = records();
        Conversation conversation = new Conversation(registry(), records, time);
        TurnResult.CallEnded ended = assertInstanceOf(TurnResult.CallEnded.class, conversation.take(listen(LONG), NEVER));
        assertEquals(TurnResult.CallEnded.earlier(SID, CallEnd.talkTimeout(Duration.ofSeconds(50))), ended);
        assertInstanceOf(TurnResult.CallEnded.class, conversation.take(say("hola", new SpeechCue.Now()), NEVER),
                "with input too: nothing is spoken into a call that is over");
    }

    @Test
    void endedRecordInMemory_withoutARecordsDirectory_isAnsweredAtOnce() throws Exception {
        CallRecords records = CallRecords.inMemory(time);
        processes.add(records);
        CallRegistry earlier = registry();
        earlier.end(open(earlier, records), CallEnd.hungUp());
        Await.until("the finished record", Duration.ofSeconds(5), () -> records.recordedEnd(SID).isPresent());
        Conversation conversation = new Conversation(registry(), records, time); // a registry that never saw the call
        assertEquals(TurnResult.CallEnded.earlier(SID, CallEnd.hungUp()), conversation.take(listen(LONG), NEVER));
    }

    @Test
    void endRemembered_afterItsSessionWasLetGo_isAnsweredAtOnce() throws Exception {
        CallRegistry registry = registry();
        CallRecords records = CallRecords.inMemory(time);
        processes.add(records);
        registry.end(open(registry, records), CallEnd.hungUp());
        time.advance(CallRegistry.ENDED_RETENTION.plusSeconds(1));
        Conversation conversation = new Conversation(registry, records, time);
        assertEquals(TurnResult.CallEnded.earlier(SID, CallEnd.hungUp()), conversation.take(listen(LONG), NEVER));
    }

    @Test
    void endedLately_withInputCuedForLater_isAnsweredAtOnce_notAtTheCue() throws Exception {
        CallRegistry registry = registry();
        CallRecords records = records();
        registry.end(open(registry, records), CallEnd.hungUp());
        Conversation conversation = new Conversation(registry, records, time);
        TurnResult.CallEnded ended = assertInstanceOf(TurnResult.CallEnded.class,
                conversation.take(say("hola", new SpeechCue.At(time.instant().plus(Duration.ofHours(1)))), NEVER));
        assertEquals(CallEnd.hungUp(), ended.end());
        assertEquals(PlaybackReport.Outcome.CALL_ENDED, ended.playback().orElseThrow().outcome(), "nothing was spoken");
    }

    @Test
    void liveCall_isAnsweredByItsSession_notByARecordOnDisk() throws Exception {
        endedInAnEarlierProcess(CallEnd.hungUp());
        CallRecords records = records();
        CallRegistry registry = registry();
        // Only a shared or copied records directory could hold the record of a call live here; it shows that
        // a live call's turn does not look at the disk.
        CallSession session = open(registry, records);
        FakeMediaStream.speakTurn(session, 10);
        Conversation conversation = new Conversation(registry, records, time);
        TurnResult.Heard heard = assertInstanceOf(TurnResult.Heard.class, conversation.take(listen(LONG), NEVER));
        assertEquals("turn 1", heard.utterance().text());
    }

    @Test
    void unreadableRecord_isLogged_andTheCallIsNotKnownToHaveEnded() throws Exception {
        Files.writeString(dir.resolve(SID + ".json"), "{\"call_sid\": \"" + SID + "\", \"end\": {\"reason\": ");
        try (LogCapture log = LogCapture.of(CallRecords.class)) {
            Conversation conversation = new Conversation(registry(), records(), time);
            assertEquals(new TurnResult.NoSuchCall(SID), conversation.take(listen(Duration.ZERO), NEVER));
            log.await(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("cannot be read")
                    && r.getParameters() != null && List.of(r.getParameters()).contains(SID), Duration.ofSeconds(5));
        }
    }
}
