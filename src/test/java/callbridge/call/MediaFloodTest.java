package callbridge.call;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import callbridge.testing.TestTwilioMessages;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The finding: 8 streams sending speech as fast as they could took the live heap from 70 to 297 MB and
 * queued 1,072 turns (32,000 s of audio) for speech-to-text. Media faster than real time beyond a burst is
 * refused: each stream is closed with 1008 and its call ended and completed at Twilio.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MediaFloodTest {
    private static final int STREAMS = 8;
    /** 400 s of audio per stream, as fast as the socket takes it. */
    private static final int FRAMES_PER_STREAM = 20_000;
    private static final long HEAP_GROWTH_LIMIT = 32L << 20;

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    @Test
    void flood_eachStreamClosedWith1008_callsEndedAndCompleted_speechToTextAndHeapBounded() throws Exception {
        byte[] speech = SpeechClips.load(SpeechClips.RESERVAR_MESA);
        long heapBefore = liveHeap();
        List<FakeTwilioCall> calls = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            calls.add(server.call());
        }
        AtomicLong framesSent = new AtomicLong();
        List<Thread> flooders = calls.stream().map(call -> Thread.ofVirtual().start(() -> flood(call, speech, framesSent))).toList();
        for (FakeTwilioCall call : calls) {
            assertEquals(1008, call.closed().get(20, TimeUnit.SECONDS), call.callSid());
        }
        for (Thread flooder : flooders) {
            flooder.join();
        }
        server.twilioRest().awaitUpdates(STREAMS, Duration.ofSeconds(10));
        Set<String> completed = server.twilioRest().updates().stream().map(FakeTwilioRest.CallUpdate::callSid).collect(Collectors.toSet());
        assertEquals(calls.stream().map(FakeTwilioCall::callSid).collect(Collectors.toSet()), completed);
        assertEquals(0, server.calls().size(), "sessions left");
        long heapAfter = liveHeap();
        int stt = server.elevenLabs().sttAttempts();
        System.out.printf("[MediaFloodTest] %d streams flooding speech: %d frames taken before the 1008 close (%.0f s of audio offered),"
                        + " %d speech-to-text requests, live heap %d MB before, %d MB after%n",
                STREAMS, framesSent.get(), FRAMES_PER_STREAM * STREAMS * 0.02, stt, heapBefore >> 20, heapAfter >> 20);
        // Per stream: at most the burst of audio, so one turn, cut when the stream ends; a few waiting at most.
        assertTrue(stt <= STREAMS * (1 + Transcriber.DEFAULT_MAX_WAITING), "speech-to-text requests: " + stt);
        assertTrue(heapAfter - heapBefore < HEAP_GROWTH_LIMIT, "live heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB");
        for (FakeTwilioCall call : calls) {
            call.abortWithoutClose();
        }
    }

    /** Sends speech frames back to back until the server closes the stream. */
    private static void flood(FakeTwilioCall call, byte[] speech, AtomicLong framesSent) {
        int frame = FakeTwilioCall.FRAME_BYTES;
        for (int i = 0; i < FRAMES_PER_STREAM && !call.closed().isDone(); i++) {
            int at = (i * frame) % (speech.length - frame);
            byte[] payload = Arrays.copyOfRange(speech, at, at + frame);
            try {
                call.sendText(TestTwilioMessages.media(i + 3, call.streamSid(), i + 1, i * 20L, payload));
            } catch (RuntimeException closed) {
                return;
            }
            framesSent.incrementAndGet();
        }
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
