package callbridge.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The speech stand-ins' ear for the turn-taking set: given some of a call's mu-law audio (a realtime
 * session's uncommitted audio, a committed segment, or a batch request's turn), the words of the
 * {@link TurnClip} said in it so far, with the punctuation they are written with. Partials read "Quiero
 * reservar una mesa para" at the pause, and the whole sentence with its final mark once it has all arrived.
 *
 * <p>It finds where the audio is in which clip by the bytes that follow a silence: every place in a clip
 * where sound starts after a silent byte (the start of each segment, and of each stretch after a pause
 * espeak-ng made itself) is indexed by its next {@value #KEY_BYTES} bytes. The bytes pass through callbridge
 * unchanged (mu-law to the realtime service; mu-law to PCM WAV for batch, which maps back to the same codes
 * except mu-law's two zeros), and audio streamed into a call starts each clip on a frame of its own, after
 * silence, so the first such place in the audio heard names the clip and the byte of it where hearing
 * began; the rest of the audio says how far into the clip it has got.
 */
final class TurnEar {
    /**
     * Bytes of speech that tell the places apart: 8 did not (two clips begin with the same quiet onset), 32
     * (4 ms) do; a key found twice is never trusted anyway.
     */
    private static final int KEY_BYTES = 32;
    /** mu-law's zero is 0xFF (and 0x7F, "negative zero", which the PCM round trip turns into 0xFF). */
    private static final byte SILENT = (byte) 0xFF;

    private record Place(TurnClip clip, int offset) {
    }

    /** Where each key is; a key found in two places is mapped to null and never trusted. */
    private final Map<String, Place> places = new HashMap<>();

    TurnEar(List<TurnClip> clips) {
        for (TurnClip clip : clips) {
            byte[] audio = normalized(clip.audio());
            for (int i = 0; i + KEY_BYTES <= audio.length; i++) {
                if (soundStartsAt(audio, i)) {
                    String key = key(audio, i);
                    places.put(key, places.containsKey(key) ? null : new Place(clip, i));
                }
            }
        }
    }

    /** The words said in {@code mulaw}, separated by spaces; empty when it holds none of the set's speech. */
    String heard(byte[] mulaw) {
        byte[] audio = normalized(mulaw);
        for (int i = 0; i + KEY_BYTES <= audio.length; i++) {
            if (soundStartsAt(audio, i)) {
                Place place = places.get(key(audio, i));
                if (place != null) {
                    return words(place.clip(), place.offset(), place.offset() + audio.length - i);
                }
            }
        }
        return "";
    }

    /** The words of {@code clip} whose end lies in bytes {@code (from, to]}. */
    private static String words(TurnClip clip, int from, int to) {
        StringBuilder said = new StringBuilder();
        for (TurnClip.Word word : clip.words()) {
            if (word.end() > from && word.end() <= to) {
                said.append(said.isEmpty() ? "" : " ").append(word.text());
            }
        }
        return said.toString();
    }

    private static boolean soundStartsAt(byte[] audio, int i) {
        return audio[i] != SILENT && (i == 0 || audio[i - 1] == SILENT);
    }

    /** The bytes as a string, one char each (ISO 8859-1 maps every byte to one char). */
    private static String key(byte[] audio, int at) {
        return new String(audio, at, KEY_BYTES, StandardCharsets.ISO_8859_1);
    }

    private static byte[] normalized(byte[] mulaw) {
        byte[] copy = mulaw.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == (byte) 0x7F) {
                copy[i] = SILENT;
            }
        }
        return copy;
    }
}
