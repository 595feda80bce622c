package callbridge.audio;

/**
 * G.711 A-law, the European telephone encoding, decoded only: a WAV file given to {@code emulate} may hold
 * it. Each byte is a sign bit, a 3-bit segment and a 4-bit mantissa, with the even bits inverted on the
 * wire (ITU-T G.711, table 1a). Decoding is a lookup in a table computed once.
 */
public final class ALaw {
    /** G.711: A-law bytes are transmitted with every even bit inverted. */
    private static final int EVEN_BITS = 0x55;
    private static final short[] DECODE = new short[256];

    static {
        for (int code = 0; code < 256; code++) {
            DECODE[code] = decodeByFormula(code);
        }
    }

    private ALaw() {
    }

    public static short decode(byte code) {
        return DECODE[code & 0xFF];
    }

    private static short decodeByFormula(int code) {
        int bits = code ^ EVEN_BITS;
        int segment = (bits >> 4) & 0x07;
        // Segment 0 is linear; each further segment doubles the step. The +8 / +0x108 put the value in the
        // middle of its quantization interval, scaled to 16 bits (the 13-bit value shifted left by 3).
        int magnitude = ((bits & 0x0F) << 4) + (segment == 0 ? 8 : 0x108);
        if (segment > 1) {
            magnitude <<= segment - 1;
        }
        return (short) ((bits & 0x80) != 0 ? magnitude : -magnitude);
    }
}
