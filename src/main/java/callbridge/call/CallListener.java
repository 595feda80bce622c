package callbridge.call;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one call reports as it happens, to whoever observes it ({@link CallObserver}): everything its record
 * and recording are made of, and nothing the call itself needs back. Each method does nothing unless a
 * listener overrides it. Our speeches are named by their marks ({@code endOfPlayback-N}), unique within a call.
 *
 * <p>Threads: {@link #farEndAudio} and {@link #streamRestarted} come from the media stream's thread one at a
 * time, in order, under the session's audio lock, so a listener may keep state between them without a lock
 * of its own. {@code farEndAudio} and {@link #ourAudio} come once per 20 ms frame, from a selector thread
 * that many calls share and from the thread sending our speech: they must return at once, never waiting.
 * The rest come from the stream's, the transcriber's and the {@code /generate} threads, at any time;
 * {@link #allReported} comes last, once.
 */
public interface CallListener {
    /** The call's media stream restarted as {@code streamSid} at {@code at}: the call goes on. */
    default void streamRestarted(String streamSid, Instant at) {
    }

    /**
     * The far end's audio (mu-law, 8 kHz), just after what the stream carried before it: Twilio sends it in
     * real time without gaps, so how much came so far is where it was heard.
     */
    default void farEndAudio(byte[] mulaw) {
    }

    /** The far end pressed {@code digit} ("0"-"9", "*", "#", or A-D) at {@code at}. */
    default void keyPressed(String digit, Instant at) {
    }

    /**
     * A far-end turn came back from speech-to-text, or failed to; its request began at {@code sttStartedAt}
     * (empty: none was made).
     */
    default void heard(Utterance utterance, Optional<Instant> sttStartedAt) {
    }

    /** We start speaking {@code text}, to be followed by {@code mark}: its text-to-speech request begins at {@code at}. */
    default void speaking(String mark, String text, Instant at) {
    }

    /** The first audio of the speech {@code mark} went out at {@code at}. */
    default void firstAudio(String mark, Instant at) {
    }

    /** Our audio (mu-law, 8 kHz) has just gone out; Twilio plays it after whatever went out before it. */
    default void ourAudio(byte[] mulaw) {
    }

    /** All of the speech {@code mark} went out, {@code audio} long, and its mark after it. */
    default void sent(String mark, Duration audio) {
    }

    /** The speech {@code mark} could not be made (text-to-speech or the stream failed) at {@code at}, after {@code audio} of it went out. */
    default void failed(String mark, Duration audio, String error, Instant at) {
    }

    /** A {@code clear} went out at {@code at}: whatever Twilio had not played by then never will be. */
    default void cleared(Instant at) {
    }

    /**
     * The playback of the speech {@code mark}, sent whole, is over at {@code at}: its mark came back, the far
     * end talked over it, or the call or its stream ended first ({@code outcome}).
     */
    default void playbackEnded(String mark, PlaybackReport.Outcome outcome, Instant at) {
    }

    /** The call ended at {@code at}, for {@code end}; turns it heard may still be being transcribed. */
    default void ended(CallEnd end, Instant at) {
    }

    /** Everything the call heard has been reported ({@link #heard}): nothing more comes. */
    default void allReported() {
    }
}
