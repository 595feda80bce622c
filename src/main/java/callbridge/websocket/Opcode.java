package callbridge.websocket;

/**
 * The 4-bit frame opcode (RFC 6455 section 5.2). All 16 values are listed so decoding never fails on a
 * reserved one: the reader maps it here, and the protocol rule rejects it with 1002.
 */
public enum Opcode {
    CONTINUATION, TEXT, BINARY, RESERVED_3, RESERVED_4, RESERVED_5, RESERVED_6, RESERVED_7,
    CLOSE, PING, PONG, RESERVED_B, RESERVED_C, RESERVED_D, RESERVED_E, RESERVED_F;

    private static final Opcode[] BY_CODE = values();

    public static Opcode of(int code) {
        return BY_CODE[code & 0x0F];
    }

    public int code() {
        return ordinal();
    }

    /** RFC 6455 5.5: opcodes with the high bit set are control frames (close, ping, pong, reserved). */
    public boolean isControl() {
        return (code() & 0x08) != 0;
    }

    /** RFC 6455 5.2: 0x3-0x7 and 0xB-0xF are reserved for future frames. */
    public boolean isReserved() {
        return name().startsWith("RESERVED");
    }
}
