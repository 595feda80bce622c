package callbridge.twilio;

import callbridge.metrics.Counter;
import callbridge.metrics.Histogram;
import callbridge.metrics.MetricRegistry;

/**
 * What the media streams count: media messages in, malformed messages, and how long each inbound frame
 * takes from reaching its stream's listener to the VAD's decision on it. Per frame that is two
 * {@link System#nanoTime()} readings, a counter and a histogram observation: no lock, no allocation.
 */
public final class MediaStreamMetrics {
    private final Counter mediaReceived;
    private final Counter malformed;
    private final Histogram inboundFrame;

    private MediaStreamMetrics(MetricRegistry metrics) {
        this.mediaReceived = metrics.counter("callbridge_media_messages_received_total",
                "media messages received on media streams (Twilio sends one per 20 ms of a call's audio).");
        this.malformed = metrics.counter("callbridge_media_malformed_messages_total",
                "Media-stream messages that were not valid Twilio messages, ignored.");
        this.inboundFrame = metrics.histogram("callbridge_inbound_frame_seconds",
                "Each inbound media message, from reaching its stream's listener to the VAD's decision on its audio.");
    }

    public static MediaStreamMetrics registerIn(MetricRegistry metrics) {
        return new MediaStreamMetrics(metrics);
    }

    void mediaReceived() {
        mediaReceived.increment();
    }

    /** A media message's audio was judged; it reached the listener at {@code receivedNanos}. */
    void frameJudged(long receivedNanos) {
        inboundFrame.observeSince(receivedNanos);
    }

    void malformed() {
        malformed.increment();
    }
}
