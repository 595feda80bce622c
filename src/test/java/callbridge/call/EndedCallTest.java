package callbridge.call;

import callbridge.testing.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A call that has ended is answered at once by whatever this process still knows of it: its session kept a
 * while, its end remembered, or its record ({@link RecordedEnds}: in memory, or in the records directory, so
 * a process started after the call ended knows too). Every turn here asks with a timeout far longer than the
 * test's own: a turn that waited for the call, or for a cue, fails the test instead of passing late.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EndedCallTest {
    private static final String SID = "CA" + "5".repeat(32);
    /** Longer than the test's own timeout, and within what a request may ask. */
    private static final Duration LONG = Duration.ofMinutes(10);
    private static final CompletableFuture<Void> NEVER = new CompletableFuture<>();

    private final ManualTime time = new ManualTime();
    private final List<CallRegistry> registries = new ArrayList<>();

    /** Records that know how some calls ended, and count how often they were asked. */
    private static final class Recorded implements RecordedEnds {
        private final Map<String, CallEnd> ends = new ConcurrentHashMap<>();
        private final AtomicInteger asked = new AtomicInteger();

        Recorded(Map<String, CallEnd> ends) {
            this.ends.putAll(ends);
        }

        @Override
        public boolean hasEnded(String callSid) {
            return ends.containsKey(callSid);
        }

        @Override
        public Optional<CallEnd> recordedEnd(String callSid) {
            asked.incrementAndGet();
            return Optional.ofNullable(ends.get(callSid));
        }
    }

    @AfterEach
    void stop() {
        registries.forEach(registry -> registry.endAll(CallEnd.shutdown()));
    }

    private CallRegistry registry() {
        CallRegistry registry = new CallRegistry(time, sid -> {
        });
        registries.add(registry);
        return registry;
    }

    private CallSession open(CallRegistry registry) {
        return new FakeMediaStream("MZ1").startCall(registry, FakeMediaStream.setup(time, Duration.ofSeconds(50)), SID);
    }

    private static TurnRequest listen(Duration timeout) {
        return new TurnRequest(SID, Optional.empty(), timeout, Optional.empty(), new SpeechCue.Now(), false);
    }

    private static TurnRequest say(String text, SpeechCue cue) {
        return new TurnRequest(SID, Optional.of(text), LONG, Optional.empty(), cue, false);
    }

    @Test
    void endedBeforeThisProcessStarted_isAnsweredAtOnce_fromItsRecord() throws Exception {
        Recorded records = new Recorded(Map.of(SID, CallEnd.talkTimeout(Duration.ofSeconds(50))));
        Conversation conversation = new Conversation(registry(), records, time);
        TurnResult.CallEnded ended = assertInstanceOf(TurnResult.CallEnded.class, conversation.take(listen(LONG), NEVER));
        assertEquals(TurnResult.CallEnded.earlier(SID, CallEnd.talkTimeout(Duration.ofSeconds(50))), ended);
        assertInstanceOf(TurnResult.CallEnded.class, conversation.take(say("hola", new SpeechCue.Now()), NEVER),
                "with input too: nothing is spoken into a call that is over");
    }

    @Test
    void endRemembered_afterItsSessionWasLetGo_isAnsweredAtOnce() throws Exception {
        CallRegistry registry = registry();
        registry.end(open(registry), CallEnd.hungUp());
        time.advance(CallRegistry.ENDED_RETENTION.plusSeconds(1));
        Conversation conversation = new Conversation(registry, NoRecords.INSTANCE, time);
        assertEquals(TurnResult.CallEnded.earlier(SID, CallEnd.hungUp()), conversation.take(listen(LONG), NEVER));
    }

    @Test
    void endedLately_withInputCuedForLater_isAnsweredAtOnce_notAtTheCue() throws Exception {
        CallRegistry registry = registry();
        registry.end(open(registry), CallEnd.hungUp());
        Conversation conversation = new Conversation(registry, NoRecords.INSTANCE, time);
        TurnResult.CallEnded ended = assertInstanceOf(TurnResult.CallEnded.class,
                conversation.take(say("hola", new SpeechCue.At(time.instant().plus(Duration.ofHours(1)))), NEVER));
        assertEquals(CallEnd.hungUp(), ended.end());
        assertEquals(PlaybackReport.Outcome.CALL_ENDED, ended.playback().orElseThrow().outcome(), "nothing was spoken");
    }

    @Test
    void liveCall_isAnsweredByItsSession_notByItsRecords() throws Exception {
        // Only a shared or copied records directory could hold the record of a call live here; it shows that
        // a live call's turn does not look at the records.
        Recorded records = new Recorded(Map.of(SID, CallEnd.hungUp()));
        CallRegistry registry = registry();
        CallSession session = open(registry);
        FakeMediaStream.speakTurn(session, 10);
        Conversation conversation = new Conversation(registry, records, time);
        TurnResult.Heard heard = assertInstanceOf(TurnResult.Heard.class, conversation.take(listen(LONG), NEVER));
        assertEquals("turn 1", heard.utterance().text());
        assertEquals(0, records.asked.get(), "the records were not asked");
    }

    @Test
    void notInTheRecords_isNoSuchCall_onceTheWaitIsOver() throws Exception {
        Recorded records = new Recorded(Map.of());
        Conversation conversation = new Conversation(registry(), records, time);
        assertEquals(new TurnResult.NoSuchCall(SID), conversation.take(listen(Duration.ZERO), NEVER));
        assertEquals(1, records.asked.get());
    }
}
