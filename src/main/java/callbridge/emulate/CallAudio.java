package callbridge.emulate;

import callbridge.audio.Frames;
import callbridge.audio.MuLaw;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * What every emulated caller says, frame by frame: the audio file's frames, then silence, the whole
 * repeated every {@code repeat} when asked. Each frame's base64 is computed once here, as the ASCII bytes
 * that go into a {@link callbridge.twilio.MediaMessage}, and shared by all calls: with thousands of calls sending the same file,
 * encoding it again per call and frame would be the generator's largest cost.
 */
final class CallAudio {
    private final byte[][] speech;
    private final byte[] silence;
    /** Frames in one cycle of speech and silence; 0 when the audio plays once. */
    private final long cycleFrames;

    private CallAudio(byte[][] speech, long cycleFrames) {
        this.speech = speech;
        this.silence = base64(silentFrame());
        this.cycleFrames = cycleFrames;
    }

    /**
     * @param mulaw  8 kHz mu-law; the last frame is padded with silence
     * @param repeat the time from one start of the audio to the next; shorter than the audio: back to back
     */
    static CallAudio of(byte[] mulaw, Optional<Duration> repeat) {
        int frames = Math.ceilDiv(mulaw.length, Frames.SAMPLES);
        byte[][] speech = new byte[frames][];
        for (int i = 0; i < frames; i++) {
            byte[] frame = silentFrame();
            int from = i * Frames.SAMPLES;
            System.arraycopy(mulaw, from, frame, 0, Math.min(Frames.SAMPLES, mulaw.length - from));
            speech[i] = base64(frame);
        }
        long cycle = repeat.map(r -> Math.max(frames, r.toMillis() / Frames.DURATION.toMillis())).orElse(0L);
        return new CallAudio(speech, cycle);
    }

    static CallAudio silenceOnly() {
        return new CallAudio(new byte[0][], 0);
    }

    /** The base64 payload of frame {@code index} (0-based) of a call, in ASCII; shared, so only to be read. */
    byte[] payload(long index) {
        long inCycle = inCycle(index);
        return inCycle < speech.length ? speech[(int) inCycle] : silence;
    }

    /** True when frame {@code index} (0-based) is the last of the audio file in its cycle: the caller stops talking. */
    boolean endsSpeech(long index) {
        return speech.length > 0 && inCycle(index) == speech.length - 1;
    }

    /** True when frame {@code index} (0-based) begins the audio file: the caller starts talking. */
    boolean startsSpeech(long index) {
        return speech.length > 0 && inCycle(index) == 0;
    }

    private long inCycle(long index) {
        return cycleFrames > 0 ? index % cycleFrames : index;
    }

    /** How long the audio file plays. */
    Duration speechLength() {
        return Frames.DURATION.multipliedBy(speech.length);
    }

    private static byte[] silentFrame() {
        byte[] frame = new byte[Frames.SAMPLES];
        Arrays.fill(frame, MuLaw.SILENCE);
        return frame;
    }

    private static byte[] base64(byte[] frame) {
        return Base64.getEncoder().encode(frame);
    }
}
