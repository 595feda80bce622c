package callbridge.call;

import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static callbridge.testing.FakeTwilioCall.isEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How long our speech's first audio takes to cross the server: from the moment the ElevenLabs stand-in
 * has flushed its first audio chunk ({@link FakeElevenLabs.TtsRequest#firstByteNanos}) to the moment the
 * fake Twilio client has read the first {@code media} message of that speech
 * ({@link FakeTwilioCall.Timed#arrivedNanos}). Both are {@link System#nanoTime()} in this JVM. The path
 * measured: HTTP client read, frame alignment, base64 and JSON, the WebSocket write, the client's read.
 *
 * <p>A measurement, not a test with a time limit: it prints median, p90, p99 and max on lines starting
 * with {@code BENCH}, once for one call speaking turn after turn and once for ten calls at a time.
 * Run with {@code ./run.sh bench -Dtest=TtsFirstAudioBenchmark}.
 */
@Tag("benchmark")
class TtsFirstAudioBenchmark {
    private static final int SAMPLES = 200;
    private static final int WARM_UP = 30;
    private static final int CONCURRENT_CALLS = 10;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of());

    /** One speech: its text (unique, to find the stand-in's record of it) and when its first media arrived. */
    private record Arrival(String text, long arrivedNanos) {
    }

    @Test
    void oneCall_turnAfterTurn() throws Exception {
        try (FakeTwilioCall call = server.call()) {
            server.session(call.callSid());
            speakTimes(call, "warm", WARM_UP);
            List<Arrival> arrivals = speakTimes(call, "seq", SAMPLES);
            report("sequential, 1 call", latencies(arrivals));
        }
    }

    @Test
    void tenCallsAtOnce() throws Exception {
        int perCall = SAMPLES / CONCURRENT_CALLS;
        List<Arrival> arrivals = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Arrival>>> results = new ArrayList<>();
            for (int c = 0; c < CONCURRENT_CALLS; c++) {
                String label = "c" + c;
                results.add(callers.submit(() -> {
                    try (FakeTwilioCall call = server.call()) {
                        server.session(call.callSid());
                        speakTimes(call, label + "warm", WARM_UP / 3);
                        return speakTimes(call, label, perCall);
                    }
                }));
            }
            for (Future<List<Arrival>> result : results) {
                arrivals.addAll(result.get(120, TimeUnit.SECONDS));
            }
        }
        report(CONCURRENT_CALLS + " concurrent calls", latencies(arrivals));
    }

    /** Speaks {@code count} short texts into the call, one /generate each, echoing each mark at once. */
    private List<Arrival> speakTimes(FakeTwilioCall call, String label, int count) throws Exception {
        List<Arrival> arrivals = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String text = label + " " + i; // 320 bytes of audio a character: one or two stand-in chunks
            int before = call.messages().size();
            CompletableFuture<HttpResponse<String>> answer = generate(call, text);
            JsonNode mark = call.awaitMessage(isEvent("mark"), WAIT);
            call.echoMark(mark.path("mark").path("name").asText());
            assertEquals(204, answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
            FakeTwilioCall.Timed firstMedia = call.timedMessages().stream().skip(before)
                    .filter(timed -> isEvent("media").test(timed.message()))
                    .findFirst().orElseThrow(() -> new AssertionError("no media for " + text));
            arrivals.add(new Arrival(text, firstMedia.arrivedNanos()));
        }
        return arrivals;
    }

    private CompletableFuture<HttpResponse<String>> generate(FakeTwilioCall call, String text) {
        CompletableFuture<HttpResponse<String>> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                answer.complete(server.generate(Map.of("sid", call.callSid(), "input", text, "timeout", "0")));
            } catch (Exception e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** Nanoseconds from the stand-in's first byte to the first media message, per speech. */
    private long[] latencies(List<Arrival> arrivals) {
        Map<String, Long> firstBytes = server.elevenLabs().ttsRequests().stream()
                .collect(Collectors.toMap(request -> request.body().get("text").asText(),
                        FakeElevenLabs.TtsRequest::firstByteNanos));
        assertEquals(SAMPLES, arrivals.size());
        return arrivals.stream().mapToLong(arrival -> {
            Long firstByte = firstBytes.get(arrival.text());
            if (firstByte == null) {
                throw new AssertionError("the stand-in has no record of '" + arrival.text() + "'");
            }
            return arrival.arrivedNanos() - firstByte;
        }).sorted().toArray();
    }

    private static void report(String setting, long[] sorted) {
        System.out.println(String.format(Locale.ROOT,
                "BENCH tts-first-audio %-22s n=%d  median=%.3f ms  p90=%.3f ms  p99=%.3f ms  max=%.3f ms  (min=%.3f ms)",
                setting, sorted.length, millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
                millis(percentile(sorted, 99)), millis(sorted[sorted.length - 1]), millis(sorted[0])));
    }

    /** Nearest rank: the smallest value with at least {@code p} percent of the samples at or below it. */
    private static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
