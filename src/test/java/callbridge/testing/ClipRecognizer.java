package callbridge.testing;

import callbridge.audio.MuLaw;

import java.util.Arrays;

/**
 * The speech-to-text stand-in's ear: it knows the committed clips and recognises one by its bytes, which
 * pass through callbridge unchanged (mu-law in, PCM WAV to the service, mu-law again here). Only a clip
 * whose middle second arrived whole is recognised, so a turn cut in the wrong place, or audio from another
 * call, gives a different answer.
 */
public final class ClipRecognizer {
    /** The part of each clip that must be found: its middle, this many bytes (250 ms). */
    private static final int PROBE_BYTES = 2_000;

    private ClipRecognizer() {
    }

    /** The text of the clip heard in {@code pcm}, or a description of unknown audio. */
    public static String recognize(short[] pcm) {
        byte[] heard = normalize(MuLaw.encode(pcm));
        for (String clip : SpeechClips.ALL) {
            byte[] audio = normalize(SpeechClips.load(clip));
            int from = (audio.length - PROBE_BYTES) / 2;
            if (indexOf(heard, Arrays.copyOfRange(audio, from, from + PROBE_BYTES)) >= 0) {
                return SpeechClips.textOf(clip);
            }
        }
        return "(unknown audio, " + pcm.length / 8 + " ms)";
    }

    /** mu-law has two codes for zero (0x7F and 0xFF); decoding and encoding again keeps only 0xFF. */
    private static byte[] normalize(byte[] mulaw) {
        byte[] copy = mulaw.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == (byte) 0x7F) {
                copy[i] = (byte) 0xFF;
            }
        }
        return copy;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
