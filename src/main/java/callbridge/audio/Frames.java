package callbridge.audio;

import java.time.Duration;

/**
 * The unit of call audio everywhere in callbridge: 20 ms of 8 kHz mono G.711 mu-law, one byte per sample,
 * so 160 bytes. It is what Twilio streams (https://www.twilio.com/docs/voice/media-streams), and one of the
 * frame lengths the WebRTC VAD accepts.
 */
public final class Frames {
    public static final int SAMPLE_RATE = 8_000;
    public static final Duration DURATION = Duration.ofMillis(20);
    /** Samples in one frame, and mu-law bytes: one byte a sample. */
    public static final int SAMPLES = SAMPLE_RATE / 50;

    private Frames() {
    }

    /** How long {@code mulawBytes} of audio play. */
    public static Duration durationOf(long mulawBytes) {
        return Duration.ofMillis(mulawBytes * 1000 / SAMPLE_RATE);
    }
}
