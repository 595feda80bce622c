package callbridge.twilio;

/** A media-stream message that is not JSON, or lacks a field its event requires. */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message);
    }
}
