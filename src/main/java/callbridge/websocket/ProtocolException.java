package callbridge.websocket;

/**
 * The peer broke RFC 6455 (or our limits); {@code closeCode} is what we answer with before dropping
 * the connection (1002 protocol error, 1003 unsupported data, 1007 bad UTF-8, 1009 too big).
 */
public final class ProtocolException extends Exception {
    private final int closeCode;

    public ProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
