package callbridge.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * G.711 mu-law against the standard's own arithmetic. A code is {@code ~(sign | exponent << 4 | mantissa)};
 * G.711 table 2a decodes it to the 14-bit magnitude {@code (2 * mantissa + 33) * 2^exponent - 33}, and
 * 16-bit PCM is four times that. The values below were worked out by hand from that formula.
 */
class MuLawTest {

    @ParameterizedTest(name = "decode(0x{0}) = {1}")
    @CsvSource({
            // code, sample     inverted bits: sign exponent mantissa
            "FF,      0",     // + 0  0: (33 - 33) * 4
            "7F,      0",     // - 0  0: negative zero decodes to 0 too
            "FE,      8",     // + 0  1: (35 - 33) * 4
            "7E,     -8",
            "F0,    120",     // + 0 15: (63 - 33) * 4, top of segment 0
            "EF,    132",     // + 1  0: (33 * 2 - 33) * 4, bottom of segment 1
            "A0,   7932",     // + 5 15: (63 * 32 - 33) * 4
            "8F,  16764",     // + 7  0: (33 * 128 - 33) * 4
            "0F, -16764",
            "80,  32124",     // + 7 15: (63 * 128 - 33) * 4, the largest value
            "00, -32124",
    })
    void decode_knownCodes(String hex, short sample) {
        assertEquals(sample, MuLaw.decode((byte) Integer.parseInt(hex, 16)));
    }

    @ParameterizedTest(name = "encode({0}) = 0x{1}")
    @CsvSource({
            "     0, FF",
            "     3, FF",     // below half the first step: still zero
            "     4, FE",     // half a step rounds up to 8
            "    -4, 7E",
            "    -1, 7F",     // small negatives become negative zero
            "   123, F0",     // nearest is 120
            "   124, EF",     // nearest is 132, the first value of segment 1
            " 32124, 80",
            " 32635, 80",     // the largest magnitude G.711 encodes without clipping
            " 32767, 80",     // full scale clips to the largest code
            "-32767, 00",
            "-32768, 00",
    })
    void encode_knownSamples(short sample, String hex) {
        assertEquals((byte) Integer.parseInt(hex, 16), encodeOne(sample));
    }

    @Test
    void silence_isTheCodeForZero() {
        assertEquals(MuLaw.SILENCE, encodeOne((short) 0));
        assertEquals(0, MuLaw.decode(MuLaw.SILENCE));
    }

    @Test
    void decode_everyCode_matchesTheJdkG711Decoder() throws IOException {
        byte[] codes = new byte[256];
        for (int code = 0; code < 256; code++) {
            codes[code] = (byte) code;
        }
        assertArrayEquals(jdkDecode(codes), MuLaw.decode(codes));
    }

    @Test
    void decode_everyCode_survivesEncodeAndDecode() {
        for (int code = 0; code < 256; code++) {
            short sample = MuLaw.decode((byte) code);
            assertEquals(sample, MuLaw.decode(encodeOne(sample)), "code 0x" + Integer.toHexString(code));
            byte expected = code == 0x7F ? MuLaw.SILENCE : (byte) code; // the two zeros encode as one
            assertEquals(expected, encodeOne(sample), "code 0x" + Integer.toHexString(code));
        }
    }

    @Test
    void decode_eachSignHalf_isStrictlyMonotonic() {
        for (int code = 0x00; code < 0x7F; code++) { // negative half: -32124 up to -0
            assertTrue(MuLaw.decode((byte) code) < MuLaw.decode((byte) (code + 1)), "code 0x" + Integer.toHexString(code));
        }
        for (int code = 0x80; code < 0xFF; code++) { // positive half: 32124 down to 0
            assertTrue(MuLaw.decode((byte) code) > MuLaw.decode((byte) (code + 1)), "code 0x" + Integer.toHexString(code));
        }
    }

    @Test
    void encode_everySample_errorWithinHalfTheSegmentStep() {
        for (int sample = Short.MIN_VALUE; sample <= Short.MAX_VALUE; sample++) {
            byte code = encodeOne((short) sample);
            int exponent = (~code >> 4) & 0x07;
            int step = 8 << exponent; // distance between neighbouring codes of this segment, in 16-bit units
            int error = Math.abs(MuLaw.decode(code) - sample);
            boolean clipped = Math.abs(sample) > 32_635;
            assertTrue(clipped ? error <= step : error <= step / 2,
                    "sample " + sample + " -> code 0x" + Integer.toHexString(code & 0xFF) + ", error " + error);
            boolean negativeCode = (code & 0x80) == 0; // the sign bit, inverted on the wire
            assertEquals(sample < 0, negativeCode, "sign of " + sample);
        }
    }

    @Test
    void arrays_decodeAndEncodeEveryElement() {
        byte[] codes = {(byte) 0xFF, 0x00, (byte) 0x80, (byte) 0xA0, 0x7E};
        short[] samples = {0, -32124, 32124, 7932, -8};
        assertArrayEquals(samples, MuLaw.decode(codes));
        assertArrayEquals(codes, MuLaw.encode(samples));
    }

    @Test
    void decode_withOffset_readsOnlyTheAskedRange() {
        byte[] codes = {0x00, (byte) 0xFE, (byte) 0xF0, (byte) 0x80};
        short[] pcm = new short[2];
        MuLaw.decode(codes, 1, 2, pcm);
        assertArrayEquals(new short[]{8, 120}, pcm);
    }

    /** The JDK's own mu-law codec (javax.sound.sampled), an implementation independent of ours. */
    private static short[] jdkDecode(byte[] codes) throws IOException {
        AudioFormat mulaw = new AudioFormat(AudioFormat.Encoding.ULAW, 8_000, 8, 1, 1, 8_000, false);
        AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, 8_000, 16, 1, 2, 8_000, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(codes), mulaw, codes.length);
             AudioInputStream converted = AudioSystem.getAudioInputStream(pcm, in)) {
            byte[] bytes = converted.readAllBytes();
            short[] samples = new short[bytes.length / 2];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
            return samples;
        }
    }

    private static byte encodeOne(short sample) {
        return MuLaw.encode(new short[] {sample})[0];
    }
}
