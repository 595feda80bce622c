package callbridge.websocket;

/** Close status codes (RFC 6455 section 7.4) and the one rule for which may appear on the wire. */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never sent: stands for "the close frame had no code" (7.4.1). */
    public static final int NO_STATUS = 1005;
    /** Never sent: stands for "the connection dropped without a close frame" (7.4.1). */
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {
    }

    /**
     * Whether a peer may send this code in a close frame. RFC 6455 7.4.1/7.4.2: below 1000 is unused;
     * 1004 is reserved; 1005, 1006 and 1015 are only for reporting locally; 1016-2999 are for future
     * revisions of the protocol; 3000-4999 belong to libraries and applications; 1012-1014 were later
     * registered with IANA (restart, try again later, bad gateway) and are accepted.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
