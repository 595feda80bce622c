package callbridge.audio;

/**
 * G.711 mu-law, the telephone audio Twilio streams: each byte is one 8 kHz sample, a sign bit, a 3-bit
 * exponent (segment) and a 4-bit mantissa, all inverted on the wire (ITU-T G.711, table 2a). Both
 * directions are lookups in tables computed once: 256 entries to decode, 65,536 to encode.
 */
public final class MuLaw {
    /** The mu-law byte for a zero sample: what a silent line carries. */
    public static final byte SILENCE = (byte) 0xFF;

    /** Added before finding the segment so that every segment's step doubles the previous one. */
    private static final int BIAS = 0x84;
    /** Largest magnitude that still fits segment 7 once the bias is added. */
    private static final int CLIP = 32_635;

    private static final short[] DECODE = new short[256];
    private static final byte[] ENCODE = new byte[65_536];

    static {
        for (int code = 0; code < 256; code++) {
            DECODE[code] = decodeByFormula((byte) code);
        }
        for (int sample = Short.MIN_VALUE; sample <= Short.MAX_VALUE; sample++) {
            ENCODE[sample & 0xFFFF] = encodeByFormula(sample);
        }
    }

    private MuLaw() {
    }

    public static short decode(byte code) {
        return DECODE[code & 0xFF];
    }

    /** Decodes {@code count} bytes of {@code mulaw} from {@code offset} into {@code pcm}. */
    public static void decode(byte[] mulaw, int offset, int count, short[] pcm) {
        for (int i = 0; i < count; i++) {
            pcm[i] = DECODE[mulaw[offset + i] & 0xFF];
        }
    }

    public static short[] decode(byte[] mulaw) {
        short[] pcm = new short[mulaw.length];
        decode(mulaw, 0, mulaw.length, pcm);
        return pcm;
    }

    /** Encodes PCM samples (a WAV played into a call, say) as mu-law. */
    public static byte[] encode(short[] pcm) {
        byte[] mulaw = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            mulaw[i] = ENCODE[pcm[i] & 0xFFFF];
        }
        return mulaw;
    }

    private static short decodeByFormula(byte code) {
        int bits = ~code & 0xFF;
        int exponent = (bits >> 4) & 0x07;
        int mantissa = bits & 0x0F;
        int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
        return (short) ((bits & 0x80) != 0 ? -magnitude : magnitude);
    }

    private static byte encodeByFormula(int sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
        // The segment is the position of the highest set bit above bit 7 (magnitude is 132..32767).
        int exponent = 31 - Integer.numberOfLeadingZeros(magnitude) - 7;
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }
}
