package callbridge.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory files will be written into, made ready before anything depends on it: created when missing,
 * then proven writable by writing (and removing) an empty file, since permission bits do not tell the whole
 * story (a read-only mount, an ACL, a directory owned by another user when not running as root). Failing at
 * start-up, with the reason in words, beats a record lost at the end of every call.
 */
public final class WritableDirectory {
    private WritableDirectory() {
    }

    /**
     * Creates {@code directory} (and its parents) if missing and checks a file can be created in it.
     *
     * @throws IOException whose message says in words what is wrong, for example "is a file, not a directory"
     */
    public static void prepare(Path directory) throws IOException {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IOException(directory + " is a file, not a directory");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("cannot create directory " + directory + ": " + reason(e), e);
        }
        try {
            Files.delete(Files.createTempFile(directory, ".write-check", ".tmp"));
        } catch (IOException e) {
            throw new IOException("cannot write in directory " + directory + ": " + reason(e), e);
        }
    }

    /** Why a file operation failed, without the paths the exception repeats. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            // createDirectories reports a parent that is a regular file as "Not a directory", naming the parent.
            return fileSystem.getReason() + (fileSystem.getFile() == null ? "" : " (" + fileSystem.getFile() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
