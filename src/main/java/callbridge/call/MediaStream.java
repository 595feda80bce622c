package callbridge.call;

import java.io.IOException;

/**
 * A call's media stream as the call sees it: our audio out, the marks that tell when it has been played,
 * and the end. {@code twilio/} adapts a media-stream WebSocket to it; tests pass a fake.
 */
public interface MediaStream {
    /** The stream's id (Twilio's StreamSid). */
    String id();

    /** Sends mu-law audio (whole 20 ms frames) to be played after whatever was sent before. */
    void sendAudio(byte[] mulaw) throws IOException;

    /** Asks for {@code name} to be echoed once everything sent before it has been played. */
    void sendMark(String name) throws IOException;

    /** Drops audio sent but not yet played; every pending mark is then echoed at once. */
    void sendClear() throws IOException;

    /** Ends the stream because the call ended for {@code end}; returns at once, and only the first call counts. */
    void close(CallEnd end);

    /**
     * Ends the stream because a new stream of the same call took over: the call goes on, on the new one.
     * Returns at once; after {@link #close} or a first call, it does nothing.
     */
    void retire();

    boolean isOpen();
}
