package callbridge.websocket;

import callbridge.audio.MuLaw;
import callbridge.audio.VoiceActivityDetector;
import callbridge.audio.WebRtcVad;
import callbridge.metrics.Counter;
import callbridge.metrics.Histogram;
import callbridge.metrics.MetricRegistry;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestTwilioMessages;
import callbridge.twilio.MalformedMessageException;
import callbridge.twilio.MediaStreamCodec;
import callbridge.twilio.MediaStreamEvent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What one inbound media frame costs, piece by piece, in this JVM with no I/O: the WebSocket frame read
 * (unmasking), message assembly with UTF-8 validation, the media-stream JSON decode (base64 included),
 * base64 on its own, mu-law to PCM, the WebRTC VAD, and the metrics counted per frame. Each piece runs over
 * {@value #FRAMES} real Twilio-shaped frames of speech, {@value #RUNS} times after a warm-up; the median and
 * spread are printed.
 * (It sits in this package to reach the package-private frame reader.)
 *
 * <p>Run: {@code ./run.sh bench -Dtest=MediaFrameBenchmark}
 */
@Tag("benchmark")
class MediaFrameBenchmark {
    private static final int FRAMES = 20_000;
    private static final int RUNS = 11;
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    /** A piece of the per-frame path, run over every frame; returns something so the JIT cannot drop it. */
    private interface Piece {
        long run() throws Exception;
    }

    @Test
    void perFramePieces() throws Exception {
        byte[] speech = SpeechClips.load(SpeechClips.RESERVAR_MESA);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            int offset = (i * 160) % (speech.length - 160);
            payloads.add(Arrays.copyOfRange(speech, offset, offset + 160));
        }
        List<String> messages = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            String message = TestTwilioMessages.media(i + 2, "MZ" + "0".repeat(32), i + 1, i * 20L, payloads.get(i));
            messages.add(message);
            wire.writeBytes(FrameWriter.encode(Frame.of(Opcode.TEXT, message.getBytes(StandardCharsets.UTF_8)), MASK));
        }
        byte[] frames = wire.toByteArray();
        List<String> base64 = payloads.stream().map(p -> Base64.getEncoder().encodeToString(p)).toList();
        List<short[]> pcm = payloads.stream().map(MuLaw::decode).toList();

        measure("WebSocket frame read (unmask)", () -> readFrames(frames));
        measure("frame read + assembly + UTF-8 check", () -> assemble(frames));
        measure("media-stream JSON decode (with base64)", () -> decode(messages));
        measure("base64 decode alone", () -> base64.stream().mapToLong(text -> Base64.getDecoder().decode(text).length).sum());
        measure("mu-law to PCM", () -> payloads.stream().mapToLong(p -> MuLaw.decode(p)[80]).sum());
        try (VoiceActivityDetector vad = WebRtcVad.create(3)) {
            measure("WebRTC VAD (" + vad.getClass().getSimpleName() + ")", () -> pcm.stream().filter(vad::isSpeech).count());
        }
        measure("metrics per frame (2 clocks, 3 adds)", MediaFrameBenchmark::metricsHooks);
    }

    private static void measure(String piece, Piece work) throws Exception {
        for (int warmUp = 0; warmUp < 5; warmUp++) {
            work.run();
        }
        long[] nanosPerFrame = new long[RUNS];
        long sink = 0;
        for (int run = 0; run < RUNS; run++) {
            long started = System.nanoTime();
            sink += work.run();
            nanosPerFrame[run] = (System.nanoTime() - started) / FRAMES;
        }
        Arrays.sort(nanosPerFrame);
        System.out.printf("BENCH %-40s %6d ns per frame (median of %d runs, min %d, max %d)%s%n", piece,
                nanosPerFrame[RUNS / 2], RUNS, nanosPerFrame[0], nanosPerFrame[RUNS - 1], sink == 42 ? " " : "");
    }

    /** What {@code twilio/MediaStreamListener} adds to each media message for {@code /metrics}. */
    private static long metricsHooks() {
        MetricRegistry metrics = new MetricRegistry();
        Counter received = metrics.counter("bench_media_messages_received_total", "Bench.");
        Histogram inbound = metrics.histogram("bench_inbound_frame_seconds", "Bench.");
        for (int i = 0; i < FRAMES; i++) {
            long arrived = System.nanoTime();
            received.increment();
            inbound.observeSince(arrived);
        }
        return received.value() + inbound.snapshot().count();
    }

    private static long readFrames(byte[] frames) throws IOException, ProtocolException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(frames), FrameDecoder.ofClientFrames(64 * 1024));
        long bytes = 0;
        for (int i = 0; i < FRAMES; i++) {
            bytes += reader.read().payload().length;
        }
        return bytes;
    }

    private static long assemble(byte[] frames) throws IOException, ProtocolException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(frames), FrameDecoder.ofClientFrames(64 * 1024));
        MessageAssembler assembler = new MessageAssembler(64 * 1024);
        long chars = 0;
        for (int i = 0; i < FRAMES; i++) {
            chars += assembler.accept(reader.read()).orElseThrow().length();
        }
        return chars;
    }

    private static long decode(List<String> messages) throws MalformedMessageException {
        long bytes = 0;
        for (String message : messages) {
            bytes += ((MediaStreamEvent.Media) MediaStreamCodec.decode(message).orElseThrow()).payload().length;
        }
        return bytes;
    }
}
