package callbridge.emulate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How one emulated call went.
 *
 * @param ending      who ended it and how
 * @param failure     what went wrong, if anything did (the call could not start, the WAV not be written)
 * @param heard       audio the server sent
 * @param cleared     of that, audio a {@code clear} dropped before it played
 * @param problems    server messages Twilio would have ignored or refused (malformed, unknown events), and
 *                    marks past {@link callbridge.twilio.PlaybackBuffer#MAX_PENDING_MARKS} still to play
 * @param replies     how soon the server's audio came after the caller stopped talking
 * @param wav         where what the server said was written
 */
record CallResult(String callSid, String ending, Optional<String> failure, long framesSent, Duration heard,
                  Duration cleared, int marksEchoed, int clears, int problems, ReplyTimer.Replies replies,
                  Optional<Path> wav) {
    static CallResult failed(String callSid, String why) {
        return new CallResult(callSid, "did not start", Optional.of(why), 0, Duration.ZERO, Duration.ZERO, 0, 0, 0,
                ReplyTimer.Replies.NONE, Optional.empty());
    }

    boolean ok() {
        return failure.isEmpty() && problems == 0;
    }

    @Override
    public String toString() {
        return String.format("call %s: %s; %,d frames sent, %.1f s of server audio heard%s, %d mark(s) echoed, %d clear(s)%s%s%s%s",
                callSid, ending, framesSent, heard.toMillis() / 1000.0,
                cleared.isZero() ? "" : String.format(" (%.1f s cleared)", cleared.toMillis() / 1000.0),
                marksEchoed, clears, replies.count() == 0 ? "" : ", " + replies, problems == 0 ? "" : ", " + problems + " bad message(s)",
                wav.map(path -> ", wrote " + path).orElse(""), failure.map(why -> "; FAILED: " + why).orElse(""));
    }
}
