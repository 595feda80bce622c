package callbridge.websocket;

/**
 * RFC 6455 5.3: byte i of the payload is XORed with byte (i mod 4) of the masking key. Clients mask every
 * frame they send; servers never mask. Applying the mask twice gives back the original.
 */
final class Masking {
    private Masking() {
    }

    static void apply(byte[] payload, byte[] maskingKey) {
        apply(payload, 0, payload.length, keyOf(maskingKey));
    }

    /**
     * Masks {@code length} bytes from {@code from} in place. The key is an int whose big-endian bytes are the
     * four key bytes as they go on the wire, so a sender can draw it from {@code nextInt()} without an array.
     */
    static void apply(byte[] bytes, int from, int length, int maskingKey) {
        for (int i = 0; i < length; i++) {
            bytes[from + i] ^= (byte) (maskingKey >>> (24 - 8 * (i & 3)));
        }
    }

    /** The 4 key bytes as the int {@link #apply(byte[], int, int, int)} takes. */
    static int keyOf(byte[] maskingKey) {
        if (maskingKey.length != 4) {
            throw new IllegalArgumentException("a masking key is 4 bytes, not " + maskingKey.length);
        }
        return keyOf(maskingKey, 0);
    }

    /** The 4 key bytes from {@code at} as an int. */
    static int keyOf(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | (bytes[at + 3] & 0xFF);
    }
}
