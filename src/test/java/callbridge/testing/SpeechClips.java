package callbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Short Spanish utterances as raw 8 kHz mono G.711 mu-law (what Twilio carries), loaded from
 * {@code src/test/resources/speech/}; that directory's README says how each was made. Each clip runs from
 * the start of speech to its end, without leading or trailing silence.
 */
public final class SpeechClips {
    /** "Hola, quiero reservar una mesa para dos personas." (3209 ms) */
    public static final String RESERVAR_MESA = "reservar_mesa";
    /** "Para mañana a las nueve de la noche." (1946 ms) */
    public static final String MANANA_NUEVE = "manana_nueve";
    /** "Sí, perfecto, muchas gracias." (2447 ms) */
    public static final String SI_GRACIAS = "si_gracias";
    /** "¿Cuál es el horario de apertura?" (1702 ms) */
    public static final String HORARIO_APERTURA = "horario_apertura";

    public static final List<String> ALL = List.of(RESERVAR_MESA, MANANA_NUEVE, SI_GRACIAS, HORARIO_APERTURA);

    /** 8000 samples a second, one byte each. */
    public static final int BYTES_PER_SECOND = 8000;
    /** G.711 mu-law encodes a zero sample as 0xFF (and 0x7F, "negative zero"); Twilio's silence is 0xFF. */
    public static final byte SILENCE = (byte) 0xFF;

    private static final long NANOS_PER_BYTE = 1_000_000_000L / BYTES_PER_SECOND;
    private static final String DIRECTORY = "/speech/";
    private static final String EXTENSION = ".ulaw";

    private static final Map<String, String> TEXTS = Map.of(
            RESERVAR_MESA, "Hola, quiero reservar una mesa para dos personas.",
            MANANA_NUEVE, "Para mañana a las nueve de la noche.",
            SI_GRACIAS, "Sí, perfecto, muchas gracias.",
            HORARIO_APERTURA, "¿Cuál es el horario de apertura?");

    private SpeechClips() {
    }

    /** The clip's mu-law bytes, a fresh array on every call. */
    public static byte[] load(String name) {
        String resource = DIRECTORY + name + EXTENSION;
        try (InputStream in = SpeechClips.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no speech clip " + resource + " on the class path; known: " + ALL);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /** What the clip says, as it was given to espeak-ng. */
    public static String textOf(String name) {
        String text = TEXTS.get(name);
        if (text == null) {
            throw new IllegalArgumentException("no speech clip " + name + "; known: " + ALL);
        }
        return text;
    }

    /** How long the audio plays: 8000 bytes = 1 s, 160 bytes = one 20 ms frame. */
    public static Duration durationOf(byte[] mulaw) {
        return Duration.ofNanos(mulaw.length * NANOS_PER_BYTE);
    }

    /** Mu-law silence of the given length, rounded down to whole samples. */
    public static byte[] silence(Duration length) {
        byte[] samples = new byte[Math.toIntExact(length.toNanos() / NANOS_PER_BYTE)];
        Arrays.fill(samples, SILENCE);
        return samples;
    }
}
