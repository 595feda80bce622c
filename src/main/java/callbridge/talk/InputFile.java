package callbridge.talk;

import callbridge.config.UsageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A text file {@code talk} reads (its config, a script, a persona), read whole only when it is a regular
 * file of a bounded size: {@code --config /dev/zero} would otherwise grow a string until memory runs out,
 * and a FIFO nobody writes to would hang the run before anything is dialled.
 *
 * @param what     the file's role in messages: "config file", "script", "persona"
 * @param maxBytes the largest file taken
 */
record InputFile(String what, int maxBytes) {
    /** {@code config.yaml} holds a dozen keys: 64 KiB is hundreds of times that. */
    static final InputFile CONFIG = new InputFile("config file", 64 * 1024);
    /** A script of a thousand long lines is still far below this. */
    static final InputFile SCRIPT = new InputFile("script", 1024 * 1024);
    /** A persona goes to the LLM with every turn: a few pages at most. */
    static final InputFile PERSONA = new InputFile("persona", 64 * 1024);

    /**
     * The file's text, UTF-8.
     *
     * @throws UsageException naming the file when it is missing, unreadable, not a regular file, too
     *                        large or not UTF-8
     */
    String read(Path file) throws UsageException {
        try {
            // Asked before opening: opening a FIFO waits for a writer, perhaps forever.
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new UsageException("the " + what + " " + file + " is not a regular file ("
                        + (attributes.isDirectory() ? "a directory" : "a device, FIFO or socket") + "): give a file");
            }
            if (attributes.size() > maxBytes) {
                throw tooLarge(file);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(maxBytes + 1); // the file may have grown since it was measured
            }
            if (bytes.length > maxBytes) {
                throw tooLarge(file);
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException("the " + what + " " + file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new UsageException("cannot read the " + what + " " + file + ": " + Failures.describe(e), e);
        }
    }

    private UsageException tooLarge(Path file) {
        return new UsageException("the " + what + " " + file + " is larger than " + maxBytes / 1024 + " KiB, the most a "
                + what + " may be");
    }
}
