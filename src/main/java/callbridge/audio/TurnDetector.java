package callbridge.audio;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds spoken turns in a stream of 20 ms frames, each already judged speech or not by the VAD.
 *
 * <pre>
 *  idle ──speech──▶ in turn ──(silent frames ≥ what the SilencePolicy asks now)──▶ turn ends ──▶ idle
 *                      │ └──(turn ≥ maxTurnFrames)──▶ turn is cut, the next speech frame starts another
 *                      └ a turn with fewer than minSpeechFrames speech frames is a blip: dropped
 * </pre>
 *
 * While idle the last {@code preRollFrames} frames are kept, because the VAD needs a few milliseconds of
 * a word before it calls it speech: they become the start of the turn's audio. How long a pause ends a
 * turn is the {@link SilencePolicy}'s to say, frame by frame: by default {@code silenceFrames}, always.
 */
public final class TurnDetector {
    private static final int FRAME_BYTES = Frames.SAMPLES;
    private static final Duration FRAME = Frames.DURATION;

    /**
     * @param preRollFrames   frames kept before the first speech frame, and after the last one
     * @param minSpeechFrames turns with fewer speech frames are noise, not turns
     * @param silenceFrames   this many silent frames in a row end a turn
     * @param maxTurnFrames   a turn this long is cut
     */
    public record Settings(int preRollFrames, int minSpeechFrames, int silenceFrames, int maxTurnFrames) {
        public Settings {
            if (preRollFrames < 0 || minSpeechFrames < 1 || silenceFrames < 1 || maxTurnFrames <= silenceFrames) {
                throw new IllegalArgumentException("inconsistent turn settings: " + this);
            }
        }

        /** 200 ms pre-roll, 100 ms minimum speech, 30 s maximum turn. */
        public static Settings withSilence(int silenceFrames) {
            return new Settings(10, 5, silenceFrames, Math.max(1_500, silenceFrames + 1));
        }
    }

    private final Settings settings;
    private SilencePolicy silencePolicy;
    private final ArrayDeque<byte[]> preRoll = new ArrayDeque<>();
    private long framesSeen;

    // The turn in progress; turnAudio is null while idle.
    private ByteArrayOutputStream turnAudio;
    private long turnStartFrame;
    private long speechStartFrame;
    private long speechEndFrame;
    private int speechFrames;
    private int silentRun;
    private Instant speechStartedAt;
    private Instant speechEndedAt;

    public TurnDetector(Settings settings) {
        this.settings = settings;
        this.silencePolicy = SilencePolicy.fixed(settings.silenceFrames());
    }

    /**
     * From now on, pauses end turns as {@code policy} says; it never asks for more than the settings'
     * {@code silenceFrames}, which stays the longest pause inside a turn.
     */
    public void endTurnsBy(SilencePolicy policy) {
        this.silencePolicy = policy;
    }

    /**
     * Feeds one frame of mu-law audio; returns the turn this frame finished, if any. The frame is kept
     * (not copied) while it may become pre-roll, so each call must pass an array of its own, as
     * {@link FrameSplitter} does.
     */
    public Optional<Turn> accept(byte[] frame, boolean speech, Instant arrivedAt) {
        if (frame.length != FRAME_BYTES) {
            throw new IllegalArgumentException("frames are " + FRAME_BYTES + " bytes, got " + frame.length);
        }
        long index = framesSeen++;
        if (turnAudio == null) {
            if (!speech) {
                rememberForPreRoll(frame);
                return Optional.empty();
            }
            startTurn(index, arrivedAt);
        }
        turnAudio.writeBytes(frame);
        if (speech) {
            speechFrames++;
            silentRun = 0;
            speechEndFrame = index + 1;
            speechEndedAt = arrivedAt;
        } else {
            silentRun++;
        }
        if (silentRun > 0) {
            SilencePolicy.Rule rule = silencePolicy.now();
            if (silentRun >= Math.min(rule.frames(), settings.silenceFrames())) {
                return finish(arrivedAt, silentRun >= settings.silenceFrames() ? Turn.Ending.SILENCE : rule.ending());
            }
        }
        if (index + 1 - turnStartFrame >= settings.maxTurnFrames()) {
            return finish(arrivedAt, Turn.Ending.MAX_LENGTH);
        }
        return Optional.empty();
    }

    /** The stream has ended: a turn in progress ends here. */
    public Optional<Turn> finishStream(Instant now) {
        return turnAudio == null ? Optional.empty() : finish(now, Turn.Ending.STREAM_END);
    }

    /** Frames of speech in the turn in progress; 0 while idle. */
    public int speechFramesInTurn() {
        return turnAudio == null ? 0 : speechFrames;
    }

    /** True while a turn is in progress: the far end is speaking, or paused for less than the window. */
    public boolean inTurn() {
        return turnAudio != null;
    }

    private void rememberForPreRoll(byte[] frame) {
        if (settings.preRollFrames() == 0) {
            return;
        }
        if (preRoll.size() == settings.preRollFrames()) {
            preRoll.removeFirst();
        }
        preRoll.addLast(frame);
    }

    private void startTurn(long index, Instant arrivedAt) {
        turnAudio = new ByteArrayOutputStream(FRAME_BYTES * 256);
        turnStartFrame = index - preRoll.size();
        preRoll.forEach(turnAudio::writeBytes);
        preRoll.clear();
        speechStartFrame = index;
        speechStartedAt = arrivedAt;
        speechFrames = 0;
        silentRun = 0;
    }

    private Optional<Turn> finish(Instant now, Turn.Ending ending) {
        byte[] audio = turnAudio.toByteArray();
        turnAudio = null;
        boolean blip = speechFrames < settings.minSpeechFrames();
        // Keep pre-roll worth of audio after the last speech frame too (word endings are soft), not the
        // whole silence that ended the turn.
        long keepEnd = blip ? turnStartFrame : Math.min(speechEndFrame + settings.preRollFrames(), framesSeen);
        // The frames the turn does not keep are the next turn's pre-roll. Without them, speech that
        // resumed just after a turn ended (or after a dropped blip) lost its first 200 ms.
        for (long frame = Math.max(keepEnd, framesSeen - settings.preRollFrames()); frame < framesSeen; frame++) {
            int from = (int) (frame - turnStartFrame) * FRAME_BYTES;
            rememberForPreRoll(Arrays.copyOfRange(audio, from, from + FRAME_BYTES));
        }
        if (blip) {
            return Optional.empty();
        }
        byte[] trimmed = Arrays.copyOf(audio, (int) (keepEnd - turnStartFrame) * FRAME_BYTES);
        return Optional.of(new Turn(trimmed, FRAME.multipliedBy(turnStartFrame), FRAME.multipliedBy(speechStartFrame),
                FRAME.multipliedBy(speechEndFrame), speechStartedAt, speechEndedAt, now, ending,
                FRAME.multipliedBy(silentRun)));
    }
}
