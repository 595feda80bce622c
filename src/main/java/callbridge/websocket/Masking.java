package callbridge.websocket;

/**
 * RFC 6455 5.3: byte i of the payload is XORed with byte (i mod 4) of the masking key. Clients mask every
 * frame they send; servers never mask. Applying the mask twice gives back the original.
 */
final class Masking {
    private Masking() {
    }

    static void apply(byte[] payload, byte[] maskingKey) {
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= maskingKey[i & 3];
        }
    }
}
