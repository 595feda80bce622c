package callbridge.audio;

import callbridge.testing.WavReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavTest {

    @Test
    void fromPcm_writesTheCanonicalHeaderThenLittleEndianSamples() {
        String expected = String.join("",
                "52494646", "2c000000", "57415645",   // "RIFF", 36 + 8 data bytes, "WAVE"
                "666d7420", "10000000",               // "fmt ", chunk of 16 bytes
                "0100", "0100",                       // PCM, mono
                "401f0000", "803e0000",               // 8000 samples/s, 16000 bytes/s
                "0200", "1000",                       // block align 2, 16 bits per sample
                "64617461", "08000000",               // "data", 8 bytes
                "0100", "feff", "3412", "0080");      // 1, -2, 0x1234, -32768
        byte[] wav = Wav.fromPcm(new short[]{1, -2, 0x1234, Short.MIN_VALUE});
        assertEquals(expected, HexFormat.of().formatHex(wav));
    }

    @Test
    void fromPcm_noSamples_isAHeaderWithAnEmptyDataChunk() {
        byte[] wav = Wav.fromPcm(new short[0]);
        assertEquals(Wav.HEADER_BYTES, wav.length);
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(36, in.getInt(4));
        assertEquals(0, in.getInt(40));
    }

    @Test
    void fromMuLaw_decodesEachByte() {
        byte[] mulaw = {(byte) 0xFF, 0x00, (byte) 0x80};
        assertArrayEquals(new short[]{0, -32124, 32124}, WavReader.readPcm(Wav.fromMuLaw(mulaw)));
    }

    @Test
    void readPcm_roundTripsWhatFromPcmWrote() {
        short[] samples = new short[8_000];
        Random random = new Random(7);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) random.nextInt();
        }
        samples[0] = Short.MIN_VALUE;
        samples[1] = Short.MAX_VALUE;
        assertArrayEquals(samples, WavReader.readPcm(Wav.fromPcm(samples)));
    }

    @Test
    void readPcm_trailingBytesAfterTheDataChunk_areIgnored() {
        byte[] wav = Arrays.copyOf(Wav.fromPcm(new short[]{5, 6}), Wav.HEADER_BYTES + 4 + 10);
        assertArrayEquals(new short[]{5, 6}, WavReader.readPcm(wav));
    }

    static Stream<Arguments> damagedFiles() {
        return Stream.of(
                damaged("shorter than a header", wav -> { }, 43, "not a canonical RIFF/WAVE file"),
                damaged("RIFX (big-endian RIFF)", wav -> wav.put(3, (byte) 'X'), 0, "not a canonical RIFF/WAVE file"),
                damaged("not WAVE", wav -> wav.put(8, (byte) 'A'), 0, "not a canonical RIFF/WAVE file"),
                damaged("no fmt chunk first", wav -> wav.put(12, (byte) 'L'), 0, "not a canonical RIFF/WAVE file"),
                damaged("no data chunk after fmt", wav -> wav.put(36, (byte) 'L'), 0, "not a canonical RIFF/WAVE file"),
                damaged("IEEE float samples", wav -> wav.putShort(20, (short) 3), 0, "not 16-bit PCM mono at 8 kHz"),
                damaged("stereo", wav -> wav.putShort(22, (short) 2), 0, "not 16-bit PCM mono at 8 kHz"),
                damaged("16 kHz", wav -> wav.putInt(24, 16_000), 0, "not 16-bit PCM mono at 8 kHz"),
                damaged("8-bit samples", wav -> wav.putShort(34, (short) 8), 0, "not 16-bit PCM mono at 8 kHz"),
                damaged("data cut short", wav -> { }, Wav.HEADER_BYTES + 3, "chunk sizes do not match the file length"),
                damaged("negative data size", wav -> wav.putInt(40, -2), 0, "chunk sizes do not match the file length"),
                damaged("RIFF size disagrees", wav -> wav.putInt(4, 100), 0, "chunk sizes do not match the file length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedFiles")
    void readPcm_rejectsWhatItCannotRead(String name, Consumer<ByteBuffer> damage, int keepBytes, String reason) {
        byte[] wav = Wav.fromPcm(new short[]{1, 2, 3, 4});
        damage.accept(ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN));
        byte[] file = keepBytes == 0 ? wav : Arrays.copyOf(wav, keepBytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WavReader.readPcm(file));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static Arguments damaged(String name, Consumer<ByteBuffer> damage, int keepBytes, String reason) {
        return Arguments.of(name, damage, keepBytes, reason);
    }
}
