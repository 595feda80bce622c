package callbridge.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSplitterTest {
    private static final int FRAME = 160;

    /** A stream whose every byte says where it was, so a lost, doubled or moved byte shows. */
    private static byte[] stream(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    @ParameterizedTest(name = "payloads of {0} bytes")
    @ValueSource(ints = {1, 159, 160, 161, 320, 1000})
    void accept_fixedPayloadSizes_yieldTheSameFrames(int payloadSize) {
        byte[] stream = stream(4_000 + 7); // 25 whole frames and a remainder
        FrameSplitter splitter = new FrameSplitter();
        List<byte[]> frames = new ArrayList<>();
        int fed = 0;
        while (fed < stream.length) {
            int size = Math.min(payloadSize, stream.length - fed);
            splitter.accept(Arrays.copyOfRange(stream, fed, fed + size), frames::add);
            fed += size;
            // After every payload, exactly the whole frames received so far have come out.
            assertEquals(fed / FRAME, frames.size(), "after " + fed + " bytes");
        }
        assertFramesAre(Arrays.copyOf(stream, 25 * FRAME), frames);
    }

    @Test
    void accept_randomSplits_yieldTheSameFrames() {
        byte[] stream = stream(50 * FRAME);
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            FrameSplitter splitter = new FrameSplitter();
            List<byte[]> frames = new ArrayList<>();
            int fed = 0;
            while (fed < stream.length) {
                int size = Math.min(random.nextInt(400), stream.length - fed); // empty payloads included
                splitter.accept(Arrays.copyOfRange(stream, fed, fed + size), frames::add);
                fed += size;
            }
            assertFramesAre(stream, frames);
        }
    }

    @Test
    void accept_remainder_isKeptForTheNextCall() {
        byte[] stream = stream(2 * FRAME);
        FrameSplitter splitter = new FrameSplitter();
        List<byte[]> frames = new ArrayList<>();
        splitter.accept(Arrays.copyOfRange(stream, 0, 100), frames::add);
        assertEquals(0, frames.size());
        splitter.accept(Arrays.copyOfRange(stream, 100, 170), frames::add);
        assertEquals(1, frames.size());
        splitter.accept(Arrays.copyOfRange(stream, 170, 320), frames::add);
        assertFramesAre(stream, frames);
    }

    @Test
    void accept_emptyPayload_yieldsNothing() {
        FrameSplitter splitter = new FrameSplitter();
        List<byte[]> frames = new ArrayList<>();
        splitter.accept(new byte[0], frames::add);
        assertTrue(frames.isEmpty());
    }

    @Test
    void accept_framesHandedOut_areNotReused() {
        byte[] stream = stream(3 * FRAME);
        FrameSplitter splitter = new FrameSplitter();
        List<byte[]> frames = new ArrayList<>();
        splitter.accept(stream, frames::add); // all three in one call: a shared buffer would show here
        splitter.accept(new byte[FRAME - 1], frames::add);
        assertFramesAre(stream, frames);
    }

    private static void assertFramesAre(byte[] expected, List<byte[]> frames) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            assertEquals(FRAME, frame.length);
            joined.writeBytes(frame);
        }
        assertArrayEquals(expected, joined.toByteArray());
    }
}
