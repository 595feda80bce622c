package callbridge.record;

import callbridge.testing.Await;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * With {@code RECORD_AUDIO=true}, a disk that stops taking one recording's writes costs that recording and
 * nothing else: the far end's audio arrives on a selector thread that many calls share, and the disk is
 * written on the recording's own thread. A named pipe put where one call's temporary recording file goes
 * once stood for a hung disk (opening it for writing waited for a reader); the file is now made new, so
 * the pipe is refused at once, and the pile-up of writes behind a stalled disk is tested on the disk itself.
 */
class RecordingDiskTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    private Path records;

    @Test
    void writesPilingUpBehindAStalledDisk_failTheRecordingOnce() throws Exception {
        List<IOException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingDisk disk = new RecordingDisk("stalled", failures::add);
        java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch diskGoesOn = new java.util.concurrent.CountDownLatch(1);
        disk.submit(() -> {
            stalled.countDown();
            try {
                diskGoesOn.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stalled.await();
        for (int i = 0; i < RecordingDisk.MAX_PENDING_WRITES; i++) {
            disk.submit(() -> {
            });
        }
        assertFalse(disk.failed(), "as many writes as may wait");
        disk.submit(() -> {
        });
        disk.submit(() -> {
        });
        diskGoesOn.countDown();
        assertEquals(1, failures.size(), failures.toString());
        assertEquals(true, disk.failed());
        disk.stop();
    }

    @Test
    void aRecordingFileThatCannotBeMade_holdsUpNoOtherCall_andOnlyItsRecordingStops() throws Exception {
        String stalledSid = FakeTwilioCall.newCallSid();
        Path stalledFile = records.resolve("." + stalledSid + ".left.part");
        List<FakeTwilioCall> others = new ArrayList<>();
        try (TestCallbridge server = TestCallbridge.start(Map.of("RECORDS_DIR", records.toString(), "RECORD_AUDIO", "true"))) {
            mkfifo(stalledFile); // after start-up, which deletes what it finds at such a name
            try (FakeTwilioCall stalled = server.call(stalledSid)) {
                // Connections take the selector threads in turn: one per core after it, and one shares its thread.
                for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                    others.add(server.call());
                }
                awaitEachPressed(server, others, "1");

                // 20 s of our speech at once (the text-to-speech stand-in answers at once): more than may wait
                // for a disk that does not take it.
                CompletableFuture.runAsync(() -> speak(server, stalledSid, "a".repeat(500)),
                        Executors.newVirtualThreadPerTaskExecutor());
                CallRecording recording = server.records().journal(stalledSid).orElseThrow().recording();
                Await.until("the stalled recording stopped", WAIT, () -> !recording.isOn());
                awaitEachPressed(server, others, "2");
                assertFalse(server.session(stalledSid).hasEnded(), "the call goes on unrecorded");
            } finally {
                others.forEach(FakeTwilioCall::close);
                // Whatever still waits to open the pipe may go on, so the server can close.
                readToTheEnd(stalledFile);
            }
        }
    }

    /**
     * Each call presses {@code digit}, and its session hears it: the key is in the call's record so far,
     * which a live call keeps in memory (its journal), so asking waits for nothing but the media streams' reads.
     */
    private static void awaitEachPressed(TestCallbridge server, List<FakeTwilioCall> calls, String digit) throws Exception {
        for (FakeTwilioCall call : calls) {
            call.sendDtmf(digit);
        }
        for (FakeTwilioCall call : calls) {
            Await.until(call.callSid() + " heard key " + digit, WAIT, () -> server.records().find(call.callSid())
                    .map(soFar -> soFar.path("turns").toString().contains("\"digit\":\"" + digit + "\""))
                    .orElse(false));
        }
    }

    private static void speak(TestCallbridge server, String callSid, String text) {
        try {
            server.generate(Map.of("sid", callSid, "input", text, "timeout", "1"));
        } catch (IOException e) {
            // the server closed when the test ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void mkfifo(Path path) throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + path);
    }

    /** Reads the pipe to its end on a thread of its own: whatever waits to open it for writing goes on. */
    private static void readToTheEnd(Path fifo) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // deleted or gone: nothing waits on it then
            }
        });
    }
}
