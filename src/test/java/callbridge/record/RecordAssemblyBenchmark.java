package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.call.CallRegistry;
import callbridge.call.CallServices;
import callbridge.call.CallSession;
import callbridge.call.FakeMediaStream;
import callbridge.testing.Await;
import callbridge.testing.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * How long one call's record waits while another call's hour-long recording is made into its WAV: call A
 * speaks once, an hour into its call (so its recording is {@link CallRecording#MAX_LENGTH} long, most of it a
 * hole in its files that costs the disk nothing until the WAV is written), and ends; call B, a second long,
 * ends just after it. Measured: from B's end to B's record file, and from A's end to A's.
 *
 * <p>A measurement, not a test with a time limit: it prints lines starting with {@code BENCH}.
 * Run with {@code ./run.sh bench -Dtest=RecordAssemblyBenchmark}.
 */
@Tag("benchmark")
class RecordAssemblyBenchmark {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    private Path dir;
    private final ManualTime time = new ManualTime(T0);
    private final CallRegistry calls = new CallRegistry(time, sid -> {
    });
    private CallRecords records;

    @AfterEach
    void stop() {
        calls.endAll(CallEnd.shutdown());
        records.close();
    }

    @Test
    void anotherCallsRecord_whileAnHourLongRecordingIsAssembled() throws Exception {
        records = CallRecords.start(new CallRecords.Settings(Optional.of(dir), true), time);
        CallServices services = FakeMediaStream.services(time);
        // A first record alone: it pays for loading the JSON writer, which the measured ones then need not.
        CallSession warmUp = open(services, "CA" + "4".repeat(32));
        long warmUpEnded = System.nanoTime();
        calls.end(warmUp, CallEnd.hungUp());
        System.out.printf(Locale.ROOT, "BENCH record of a short call, alone (the first in this JVM): %d ms%n",
                (awaitRecord("CA" + "4".repeat(32)) - warmUpEnded) / 1_000_000);

        CallSession longCall = open(services, "CA" + "5".repeat(32));
        CallSession shortCall = open(services, "CA" + "6".repeat(32));
        time.advance(CallRecording.MAX_LENGTH.minusSeconds(1));
        FakeMediaStream.speak(longCall, "hola");

        long longEnded = System.nanoTime();
        calls.end(longCall, CallEnd.hungUp());
        long shortEnded = System.nanoTime();
        calls.end(shortCall, CallEnd.hungUp());
        long shortWritten = awaitRecord("CA" + "6".repeat(32));
        long longWritten = awaitRecord("CA" + "5".repeat(32));
        System.out.printf(Locale.ROOT, "BENCH record of a short call, ended while a 1 h recording is assembled: %d ms%n",
                (shortWritten - shortEnded) / 1_000_000);
        System.out.printf(Locale.ROOT, "BENCH record of the 1 h call (its WAV assembled first): %d ms, WAV %d MB%n",
                (longWritten - longEnded) / 1_000_000, Files.size(dir.resolve("CA" + "5".repeat(32) + ".wav")) / 1_000_000);
    }

    private CallSession open(CallServices services, String sid) {
        return new FakeMediaStream("MZ" + sid.substring(2)).startCall(calls,
                FakeMediaStream.setup(Duration.ofHours(2), services, records), sid);
    }

    /** When the record file of {@code sid} appeared, in {@link System#nanoTime()}. */
    private long awaitRecord(String sid) throws Exception {
        Path file = dir.resolve(sid + ".json");
        Await.until("the record file " + file, WAIT, () -> Files.exists(file));
        return System.nanoTime();
    }
}
