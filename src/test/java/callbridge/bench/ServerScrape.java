package callbridge.bench;

import callbridge.metrics.HistogramSnapshot;
import callbridge.metrics.HistogramSnapshots;
import callbridge.testing.PrometheusScrape;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The server's own figures, read from its {@code GET /metrics} as an operator's scraper would: the timings
 * only the server can take (a frame's arrival to its VAD decision, the end of speech to the speech-to-text
 * request, text-to-speech's first audio to the first media frame) and what it received. Two scrapes, one
 * each side of a window, give the window's own histograms.
 */
record ServerScrape(PrometheusScrape scrape) {
    static final String INBOUND_FRAME = "callbridge_inbound_frame_seconds";
    static final String TURN_END_TO_STT = "callbridge_turn_end_to_stt_seconds";
    static final String TURN_DETECTED_TO_STT = "callbridge_turn_detected_to_stt_seconds";
    static final String TTS_FIRST_AUDIO_TO_MEDIA = "callbridge_tts_first_audio_to_media_seconds";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static ServerScrape of(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode() + ": " + response.body());
        }
        return new ServerScrape(PrometheusScrape.parse(response.body()));
    }

    /**
     * A scrape once every call has ended at the server (its streams closed when the generator exited), so
     * what it received is final; gives up after 30 s and scrapes anyway.
     */
    static ServerScrape afterTheCalls(int port) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ServerScrape scrape = of(port);
        while (scrape.liveCalls() > 0 && System.nanoTime() - giveUp < 0) {
            Thread.sleep(100); // the server is another process: its metrics are polled
            scrape = of(port);
        }
        return scrape;
    }

    /** What {@code name} observed between {@code earlier} and this scrape. */
    HistogramSnapshot since(ServerScrape earlier, String name) {
        HistogramSnapshot now = scrape.histogram(name);
        HistogramSnapshot then = earlier.scrape.histogram(name);
        long[] counts = now.cumulativeCounts();
        long[] before = then.cumulativeCounts();
        for (int i = 0; i < counts.length; i++) {
            counts[i] -= before[i];
        }
        return HistogramSnapshots.fromCumulative(now.upperBounds(), counts, scrape.sum(name) - earlier.scrape.sum(name));
    }

    long mediaReceived() {
        return (long) scrape.value("callbridge_media_messages_received_total");
    }

    long liveCalls() {
        return (long) scrape.value("callbridge_live_calls");
    }
}
