package callbridge.speech;

import callbridge.metrics.Histogram;
import callbridge.metrics.LabeledCounter;
import callbridge.metrics.MetricRegistry;

import java.util.Arrays;

/**
 * One speech service's requests, measured the same way for speech-to-text and text-to-speech: how long
 * each takes ({@code callbridge_<service>_request_seconds}) and, when it fails, of what kind
 * ({@code callbridge_<service>_failures_total{kind}}). Only the service's own failures count: a
 * {@link SpeechException}, or a bug (any unchecked exception, as {@code other}); an {@link java.io.IOException}
 * from our side of the audio (the call ended while we spoke) passes through uncounted.
 */
final class SpeechRequests {
    /** A request to the service. */
    @FunctionalInterface
    interface Request<T, E extends Exception> {
        T send() throws SpeechException, E;
    }

    private final Histogram durations;
    private final LabeledCounter failures;

    /**
     * @param service  {@code stt} or {@code tts}, in the metric names
     * @param what     the requests, for the help text ("Speech-to-text requests")
     * @param duration what a request's duration runs from and to, for the help text
     */
    SpeechRequests(MetricRegistry metrics, String service, String what, String duration) {
        this.durations = metrics.histogram("callbridge_" + service + "_request_seconds", what + ", " + duration + ".");
        this.failures = metrics.counter("callbridge_" + service + "_failures_total", what + " that failed, by kind.",
                "kind", Arrays.stream(SpeechException.Kind.values()).map(SpeechException.Kind::label).toList());
    }

    /** Sends {@code request}, counting its duration and, if it fails, its kind of failure. */
    <T, E extends Exception> T measure(Request<T, E> request) throws SpeechException, E {
        long started = System.nanoTime();
        try {
            return request.send();
        } catch (SpeechException e) {
            failures.labeled(e.kind().label()).increment();
            throw e;
        } catch (RuntimeException e) {
            failures.labeled(SpeechException.Kind.OTHER.label()).increment();
            throw e;
        } finally {
            durations.observeSince(started);
        }
    }
}
