package callbridge.speech;

import callbridge.metrics.MetricRegistry;
import callbridge.metrics.PrometheusText;
import callbridge.testing.PrometheusScrape;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The measuring wrappers of the speech services: what they count, and that they change nothing else. */
class MeasuredSpeechTest {
    private final MetricRegistry metrics = new MetricRegistry();

    /** Answers from a script: a text, or an exception to throw. */
    private static SpeechToText scripted(Object... answers) {
        Deque<Object> script = new ArrayDeque<>(java.util.List.of(answers));
        return mulaw -> switch (script.removeFirst()) {
            case String text -> text;
            case SpeechException e -> throw e;
            case RuntimeException e -> throw e;
            default -> throw new IllegalStateException();
        };
    }

    private PrometheusScrape scrape() {
        return PrometheusScrape.parse(PrometheusText.render(metrics));
    }

    @Test
    void speechToText_timesEveryRequest_andCountsFailuresByKind() {
        SpeechToText stt = MeasuredSpeechToText.wrap(scripted("hola",
                        new SpeechException("slow", SpeechException.Kind.TIMEOUT, false, null),
                        new SpeechException("busy", SpeechException.Kind.RATE_LIMITED, true, null),
                        new IllegalStateException("bug")),
                metrics);
        byte[] speech = new byte[160];

        assertEquals("hola", assertDoesNotThrow(stt, speech));
        assertEquals(SpeechException.Kind.TIMEOUT, assertThrows(SpeechException.class, () -> stt.transcribe(speech)).kind());
        assertEquals(SpeechException.Kind.RATE_LIMITED, assertThrows(SpeechException.class, () -> stt.transcribe(speech)).kind());
        assertThrows(IllegalStateException.class, () -> stt.transcribe(speech));

        PrometheusScrape scrape = scrape();
        assertEquals(4, scrape.histogram("callbridge_stt_request_seconds").count());
        assertEquals(1, scrape.value("callbridge_stt_failures_total", "kind", "timeout"));
        assertEquals(1, scrape.value("callbridge_stt_failures_total", "kind", "rate_limited"));
        assertEquals(1, scrape.value("callbridge_stt_failures_total", "kind", "other"));
        assertEquals(0, scrape.value("callbridge_stt_failures_total", "kind", "http_5xx"));
    }

    @Test
    void textToSpeech_timesFirstAudioAndWhole_passesAudioOnUntouched() throws Exception {
        byte[] first = {1, 2, 3};
        byte[] second = {4, 5};
        TextToSpeech tts = MeasuredTextToSpeech.wrap((text, sink) -> {
            sink.accept(first);
            sink.accept(second);
        }, metrics);
        ByteArrayOutputStream heard = new ByteArrayOutputStream();
        tts.synthesize("hola", heard::writeBytes);
        tts.synthesize("otra", chunk -> { });

        assertArrayEquals(new byte[]{1, 2, 3, 4, 5}, heard.toByteArray());
        PrometheusScrape scrape = scrape();
        assertEquals(2, scrape.histogram("callbridge_tts_first_audio_seconds").count(), "once per request, not per chunk");
        assertEquals(2, scrape.histogram("callbridge_tts_request_seconds").count());
    }

    @Test
    void textToSpeech_serviceFailures_areCounted_theSinkFailingIsNot() {
        SpeechException down = new SpeechException("down", SpeechException.Kind.HTTP_5XX, true, null);
        TextToSpeech tts = MeasuredTextToSpeech.wrap((text, sink) -> {
            if (text.equals("fail")) {
                throw down;
            }
            sink.accept(new byte[1]);
        }, metrics);
        assertSame(down, assertThrows(SpeechException.class, () -> tts.synthesize("fail", chunk -> { })));
        IOException ended = new IOException("the call has ended");
        assertSame(ended, assertThrows(IOException.class, () -> tts.synthesize("hola", chunk -> {
            throw ended;
        })));

        PrometheusScrape scrape = scrape();
        assertEquals(1, scrape.value("callbridge_tts_failures_total", "kind", "http_5xx"));
        assertEquals(0, scrape.value("callbridge_tts_failures_total", "kind", "other"), "the call ending is no TTS failure");
        assertEquals(2, scrape.histogram("callbridge_tts_request_seconds").count());
        assertEquals(1, scrape.histogram("callbridge_tts_first_audio_seconds").count());
    }

    private static String assertDoesNotThrow(SpeechToText stt, byte[] mulaw) {
        try {
            return stt.transcribe(mulaw);
        } catch (SpeechException e) {
            throw new AssertionError(e);
        }
    }
}
