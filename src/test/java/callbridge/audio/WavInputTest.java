package callbridge.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code emulate}'s input files: each encoding, rate and channel count becomes 8 kHz mono mu-law. */
class WavInputTest {
    private static final byte[] TONE = tone(800);

    @Test
    void pcm8kMono_roundTripsTheMuLaw() {
        assertArrayEquals(TONE, WavInput.toMuLaw8k(Wav.fromMuLaw(TONE)));
    }

    @Test
    void muLawAndALawFiles_decode() {
        assertArrayEquals(TONE, WavInput.toMuLaw8k(wav(7, 1, 8000, 8, TONE, "")));
        byte[] alawSilence = new byte[160];
        java.util.Arrays.fill(alawSilence, (byte) 0xD5); // A-law's smallest positive step: +8
        byte[] mulaw = WavInput.toMuLaw8k(wav(6, 1, 8000, 8, alawSilence, ""));
        assertEquals(160, mulaw.length);
        assertEquals(8, MuLaw.decode(mulaw[0]));
    }

    @Test
    void stereo_isAveraged_andOtherChunksSkipped() {
        short[] pcm = MuLaw.decode(TONE);
        ByteBuffer stereo = ByteBuffer.allocate(pcm.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (short sample : pcm) {
            stereo.putShort(sample).putShort(sample);
        }
        assertArrayEquals(TONE, WavInput.toMuLaw8k(wav(1, 2, 8000, 16, stereo.array(), "LIST")));
    }

    @ParameterizedTest(name = "{0} Hz")
    @CsvSource({"16000", "44100", "48000", "11025"})
    void otherRates_becomeOneSampleEvery125Microseconds(int rate) {
        int seconds = 2;
        ByteBuffer pcm = ByteBuffer.allocate(rate * seconds * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rate * seconds; i++) {
            pcm.putShort((short) (8000 * Math.sin(2 * Math.PI * 300 * i / rate)));
        }
        byte[] mulaw = WavInput.toMuLaw8k(wav(1, 1, rate, 16, pcm.array(), ""));
        assertEquals(8000 * seconds, mulaw.length);
        // A 300 Hz tone survives: its loudest samples are still near 8000.
        int peak = 0;
        for (byte b : mulaw) {
            peak = Math.max(peak, Math.abs(MuLaw.decode(b)));
        }
        assertTrue(peak > 7000 && peak < 8500, "peak " + peak);
    }

    @Test
    void extensibleFormat_readsTheSubFormat() {
        assertArrayEquals(TONE, WavInput.toMuLaw8k(wav(0xFFFE, 1, 8000, 8, TONE, "", 7)));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            3  | 32  | unsupported encoding 3
            1  | 8   | unsupported encoding 1 at 8 bits
            """)
    void unsupportedEncodings_areNamed(int encoding, int bits, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> WavInput.toMuLaw8k(wav(encoding, 1, 8000, bits, new byte[64], "")));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void audioPlayingUpToTheLimit_isRead() {
        int samples = (int) WavInput.MAX_DURATION.toSeconds() * 8000;
        assertEquals(samples, WavInput.toMuLaw8k(wav(7, 1, 8000, 8, new byte[samples], "")).length);
    }

    @ParameterizedTest(name = "{0} Hz, {1} channel(s)")
    @CsvSource({
            "1000, 1",   // 1 kHz is upsampled eightfold: it was the 1.4 GB case
            "8000, 1",
            "8000, 2"})
    void audioPlayingLongerThanTheLimit_isRefusedBeforeDecoding(int rate, int channels) {
        int seconds = (int) WavInput.MAX_DURATION.toSeconds() + 1;
        byte[] data = new byte[rate * channels * seconds];
        var e = assertThrows(IllegalArgumentException.class, () -> WavInput.toMuLaw8k(wav(7, channels, rate, 8, data, "")));
        assertTrue(e.getMessage().matches("plays 10\\.0 minutes \\([0-9,]+ Hz\\); at most 10 minutes are read"), e.getMessage());
    }

    @Test
    void notAWav_isNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> WavInput.toMuLaw8k("hello, world".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("not a RIFF/WAVE file", e.getMessage());
    }

    private static byte[] wav(int encoding, int channels, int rate, int bits, byte[] data, String extraChunk) {
        return wav(encoding, channels, rate, bits, data, extraChunk, 0);
    }

    private static byte[] wav(int encoding, int channels, int rate, int bits, byte[] data, String extraChunk, int subFormat) {
        int fmtSize = subFormat == 0 ? 16 : 40;
        int extraSize = extraChunk.isEmpty() ? 0 : 8 + 3 + 1; // an odd size, padded to even
        ByteBuffer out = ByteBuffer.allocate(12 + 8 + fmtSize + extraSize + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ascii("RIFF")).putInt(out.capacity() - 8).put(ascii("WAVE"));
        out.put(ascii("fmt ")).putInt(fmtSize).putShort((short) encoding).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        if (subFormat != 0) {
            out.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) subFormat).put(new byte[14]);
        }
        if (!extraChunk.isEmpty()) {
            out.put(ascii(extraChunk)).putInt(3).put(new byte[4]);
        }
        return out.put(ascii("data")).putInt(data.length).put(data).array();
    }

    private static byte[] tone(int length) {
        byte[] tone = new byte[length];
        for (int i = 0; i < length; i++) {
            tone[i] = MuLaw.encode(new short[] {(short) (6000 * Math.sin(2 * Math.PI * 440 * i / 8000.0))})[0];
        }
        return tone;
    }

    private static byte[] ascii(String tag) {
        return tag.getBytes(StandardCharsets.US_ASCII);
    }
}
