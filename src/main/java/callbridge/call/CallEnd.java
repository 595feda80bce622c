package callbridge.call;

import java.time.Duration;
import java.util.Objects;

/**
 * Why a call ended: a {@link Reason} for programs to branch on, and a sentence for people reading a log
 * or an answer ({@code detail}).
 *
 * @param reason what ended the call
 * @param detail the particulars: the close code, the timeout's length...
 */
public record CallEnd(Reason reason, String detail) {
    /** The ways a call ends; {@link #word()} is what {@code /generate} answers as {@code reason}, never changed. */
    public enum Reason {
        /** Twilio sent {@code stop}: the far end hung up, or the call was ended elsewhere. */
        HUNG_UP("hung up"),
        /** The media stream's WebSocket closed or broke without a {@code stop}. */
        STREAM_CLOSED("stream closed"),
        /** The media stream broke a limit (media faster than real time, a message flood) and was closed with 1008. */
        STREAM_REFUSED("stream refused"),
        /** No far-end speech and no {@code /generate} for the call's talk timeout. */
        TALK_TIMEOUT("talk timeout"),
        /** The server is shutting down. */
        SHUTDOWN("shutdown");

        private final String word;

        Reason(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public CallEnd {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    public static CallEnd hungUp() {
        return new CallEnd(Reason.HUNG_UP, "call hung up");
    }

    /** @param closeCode the close frame's code (1006 when there was none); {@code closeReason} may be empty */
    public static CallEnd streamClosed(int closeCode, String closeReason) {
        return new CallEnd(Reason.STREAM_CLOSED,
                "media stream closed (" + closeCode + (closeReason.isEmpty() ? "" : " " + closeReason) + ")");
    }

    /** @param why the limit the stream broke */
    public static CallEnd streamRefused(String why) {
        return new CallEnd(Reason.STREAM_REFUSED, "media stream refused: " + why);
    }

    public static CallEnd talkTimeout(Duration timeout) {
        return new CallEnd(Reason.TALK_TIMEOUT, "talk timeout: no speech and no /generate for " + timeout.toSeconds() + " s");
    }

    public static CallEnd shutdown() {
        return new CallEnd(Reason.SHUTDOWN, "server shutting down");
    }

    @Override
    public String toString() {
        return detail;
    }
}
