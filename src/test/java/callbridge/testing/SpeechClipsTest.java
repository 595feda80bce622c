package callbridge.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeechClipsTest {
    /** sox trimmed each clip where the level crossed 1 % of full scale; 16-bit full scale is 32767. */
    private static final int ONE_PERCENT = 327;

    @Test
    void load_everyClip_isShortSpeechFromStartToEnd() {
        for (String name : SpeechClips.ALL) {
            byte[] clip = SpeechClips.load(name);
            Duration length = SpeechClips.durationOf(clip);
            assertTrue(length.compareTo(Duration.ofMillis(1500)) >= 0 && length.compareTo(Duration.ofMillis(3500)) <= 0,
                    name + " lasts " + length);
            assertTrue(loudest(Arrays.copyOfRange(clip, 0, 160)) > ONE_PERCENT, name + ": speech in the first 20 ms");
            assertTrue(loudest(Arrays.copyOfRange(clip, clip.length - 160, clip.length)) > ONE_PERCENT,
                    name + ": speech in the last 20 ms");
            assertTrue(!SpeechClips.textOf(name).isBlank(), name);
        }
    }

    @Test
    void load_returnsAFreshCopy() {
        byte[] first = SpeechClips.load(SpeechClips.SI_GRACIAS);
        first[0] = 0;
        assertTrue(SpeechClips.load(SpeechClips.SI_GRACIAS)[0] != 0);
    }

    @Test
    void load_unknownClip_namesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpeechClips.load("nope"));
        assertTrue(e.getMessage().contains(SpeechClips.RESERVAR_MESA), e.getMessage());
    }

    @Test
    void durationOf_8000BytesIsOneSecond() {
        assertEquals(Duration.ofSeconds(1), SpeechClips.durationOf(new byte[8000]));
        assertEquals(Duration.ofMillis(20), SpeechClips.durationOf(new byte[160]));
        assertEquals(Duration.ofNanos(1_702_875_000), SpeechClips.durationOf(SpeechClips.load(SpeechClips.HORARIO_APERTURA)));
    }

    @Test
    void silence_isMuLawZero() {
        byte[] expected = new byte[160];
        Arrays.fill(expected, (byte) 0xFF);
        assertArrayEquals(expected, SpeechClips.silence(Duration.ofMillis(20)));
        assertEquals(0, decode((byte) 0xFF));
    }

    /** The largest absolute 16-bit sample in a run of mu-law bytes. */
    private static int loudest(byte[] mulaw) {
        int loudest = 0;
        for (byte b : mulaw) {
            loudest = Math.max(loudest, Math.abs(decode(b)));
        }
        return loudest;
    }

    /** G.711 mu-law to linear: bits are stored inverted; sign, 3-bit exponent, 4-bit mantissa, bias 0x84. */
    private static int decode(byte encoded) {
        int u = ~encoded & 0xFF;
        int magnitude = ((((u & 0x0F) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
        return (u & 0x80) != 0 ? -magnitude : magnitude;
    }
}
