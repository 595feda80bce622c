package callbridge.audio;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A call's inbound audio path, payload to turns: re-frame into 20 ms, decode mu-law to PCM, ask the VAD,
 * and let the {@link TurnDetector} decide where turns begin and end. One per call; not thread-safe
 * ({@code CallSession} guards it: audio arrives on the stream thread, the end may come from any other).
 */
public final class TurnSegmenter implements AutoCloseable {
    private final FrameSplitter splitter = new FrameSplitter();
    private final VoiceActivityDetector vad;
    private final TurnDetector detector;
    private final short[] pcm = new short[Frames.SAMPLES];

    public TurnSegmenter(VoiceActivityDetector vad, TurnDetector.Settings settings) {
        this.vad = vad;
        this.detector = new TurnDetector(settings);
    }

    /** Takes one media payload; returns the turns it finished (usually none, at most a few). */
    public List<Turn> accept(byte[] mulaw, Instant arrivedAt) {
        List<Turn> finished = new ArrayList<>(1);
        splitter.accept(mulaw, frame -> {
            MuLaw.decode(frame, 0, frame.length, pcm);
            detector.accept(frame, vad.isSpeech(pcm), arrivedAt).ifPresent(finished::add);
        });
        return finished;
    }

    /** The stream ended; a turn in progress is finished with what was heard. */
    public Optional<Turn> finish(Instant now) {
        return detector.finishStream(now);
    }

    /** Pauses end turns as {@code policy} says from now on; see {@link TurnDetector#endTurnsBy}. */
    public void endTurnsBy(SilencePolicy policy) {
        detector.endTurnsBy(policy);
    }

    /** Frames of speech in the far end's turn in progress; 0 between turns. */
    public int speechFramesInTurn() {
        return detector.speechFramesInTurn();
    }

    /** True while the far end is speaking (or pausing within a turn). */
    public boolean inTurn() {
        return detector.inTurn();
    }

    @Override
    public void close() {
        vad.close();
    }
}
