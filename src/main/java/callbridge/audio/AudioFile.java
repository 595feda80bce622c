package callbridge.audio;

import callbridge.config.UsageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads {@code --audio} ({@code emulate}'s caller, {@code emulate agent}'s lines): a regular file of at most {@link #MAX_BYTES}, decoded by {@link WavInput}. A device
 * ({@code /dev/zero}) or a FIFO never ends, so reading one whole would hang or fill memory: only regular files
 * are read, and never more than the cap even if the file grows while it is read. Each refusal says what is
 * wrong with the file, and where it was looked for: a relative name is read from the directory the command was
 * started in.
 */
public final class AudioFile {
    /**
     * 64 MiB: {@link WavInput#MAX_DURATION} of 16 kHz mono 16-bit PCM takes 19 MB, of 44.1 kHz stereo 106 MB;
     * a larger file is better converted to 8 or 16 kHz mono first than held whole in memory.
     */
    public static final long MAX_BYTES = 64L << 20;

    private AudioFile() {
    }

    /** The file's audio as 8 kHz mu-law. */
    public static byte[] readMuLaw8k(Path file) throws UsageException {
        try {
            return WavInput.toMuLaw8k(read(file));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--audio " + file + ": " + e.getMessage());
        }
    }

    private static byte[] read(Path file) throws UsageException {
        String named = "--audio " + file + (file.isAbsolute() ? "" : " (" + file.toAbsolutePath() + ")");
        if (!Files.exists(file)) {
            throw new UsageException(named + ": the file does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException(named + ": not a regular file (a directory, device or pipe); give a WAV file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new UsageException(named + ": larger than " + (MAX_BYTES >> 20) + " MiB; convert it to 8 or 16 kHz"
                        + " mono first (for example: sox IN.wav -r 8000 -c 1 OUT.wav)");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new UsageException(named + ": the file does not exist");
        } catch (IOException e) {
            throw new UsageException(named + ": cannot be read: " + e.getMessage());
        }
    }
}
