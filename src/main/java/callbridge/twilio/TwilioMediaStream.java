package callbridge.twilio;

import callbridge.call.CallEnd;
import callbridge.call.MediaStream;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.CloseFrame;
import callbridge.websocket.WebSocketConnection;

import java.io.IOException;

/**
 * A call's {@link MediaStream} over Twilio's media-stream WebSocket: what the call sends becomes Twilio's
 * {@code media}, {@code mark} and {@code clear} messages, and the call's end becomes a close code.
 */
final class TwilioMediaStream implements MediaStream {
    private final WebSocketConnection connection;
    private final String streamSid;

    TwilioMediaStream(WebSocketConnection connection, String streamSid) {
        this.connection = connection;
        this.streamSid = streamSid;
    }

    @Override
    public String id() {
        return streamSid;
    }

    @Override
    public void sendAudio(byte[] mulaw) throws IOException {
        connection.sendText(MediaStreamCodec.media(streamSid, mulaw));
    }

    @Override
    public void sendMark(String name) throws IOException {
        connection.sendText(MediaStreamCodec.mark(streamSid, name));
    }

    @Override
    public void sendClear() throws IOException {
        connection.sendText(MediaStreamCodec.clear(streamSid));
    }

    @Override
    public void close(CallEnd end) {
        CloseFrame close = closeFrame(end);
        connection.close(close.code(), close.reason());
    }

    @Override
    public void retire() {
        connection.close(CloseCodes.NORMAL, "replaced by a new stream of the call");
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    /**
     * The one place a call's end becomes a close code (RFC 6455 7.4.1): 1001 Going Away when the server
     * shuts down, 1008 Policy Violation when the stream broke a limit, 1000 Normal otherwise.
     */
    static CloseFrame closeFrame(CallEnd end) {
        return switch (end.reason()) {
            case SHUTDOWN -> new CloseFrame(CloseCodes.GOING_AWAY, "server shutting down");
            case STREAM_REFUSED -> new CloseFrame(CloseCodes.POLICY_VIOLATION, "stream refused");
            case HUNG_UP, STREAM_CLOSED, TALK_TIMEOUT -> new CloseFrame(CloseCodes.NORMAL, "call ended");
        };
    }

    @Override
    public String toString() {
        return streamSid + " on " + connection;
    }
}
