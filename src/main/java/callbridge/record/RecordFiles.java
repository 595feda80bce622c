package callbridge.record;

import callbridge.call.CallSids;
import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of call records in one directory: {@code <CallSid>.json}, and {@code <CallSid>.wav} beside it
 * when calls are recorded. Each file is written whole to a temporary file in the same directory and then
 * renamed into place, so a reader (or a crash) never sees half a record. Only a well-formed CallSid names a
 * file ({@link CallSids}), so no file lands outside the directory. Temporary files end in
 * {@value #TEMPORARY_SUFFIX} and begin with their call's CallSid (after a dot for the hidden ones).
 */
final class RecordFiles {
    /** A record file larger than this is not ours to read back: 2,000 turns of text fit well inside it. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** How every temporary file's name ends: the recording's sides and WAV, and a record being written. */
    static final String TEMPORARY_SUFFIX = ".part";

    /** What a sweep removed. */
    record Sweep(int files, long bytes) {
    }

    /** {@code .<CallSid>...part} or {@code <CallSid>...part}: a name only our temporary files have. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.?" + CallSids.REGEX + ".*" + Pattern.quote(TEMPORARY_SUFFIX));

    private final Path directory;

    RecordFiles(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    Path directory() {
        return directory;
    }

    Path record(String callSid) {
        return file(callSid, ".json");
    }

    Path recording(String callSid) {
        return file(callSid, ".wav");
    }

    /** Writes the record as {@code <CallSid>.json}, replacing any earlier one. */
    void write(CallRecord record) throws IOException {
        Files.createDirectories(directory);
        byte[] json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(CallRecordJson.of(record));
        Path target = record(record.callSid());
        Path temporary = Files.createTempFile(directory, "." + record.callSid(), ".json.part");
        try {
            // Made new above, under a name no one can guess; a link swapped in since is still not followed.
            Files.write(temporary, json, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS);
            moveIntoPlace(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** True when a record of {@code callSid} has been written: the call ended, maybe before this process started. */
    boolean exists(String callSid) {
        return Files.exists(record(callSid), LinkOption.NOFOLLOW_LINKS);
    }

    /** The record of {@code callSid} as written, if there is one. */
    Optional<ObjectNode> read(String callSid) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(record(callSid))) {
            bytes = in.readNBytes(MAX_RECORD_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            throw new IOException(record(callSid) + " is larger than " + MAX_RECORD_BYTES + " bytes");
        }
        JsonNode json = Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        if (!(json instanceof ObjectNode object)) {
            throw new IOException(record(callSid) + " does not hold a JSON object");
        }
        return Optional.of(object);
    }

    /**
     * Deletes the temporary files in the directory: for a process that has just started, they are what one
     * killed while writing left behind (a WAV being built, a recording's sides: 115 MB for an hour), which
     * nothing else would ever delete. A link is deleted, never followed. Only this process may be writing
     * here: another's recordings in progress would be deleted too.
     */
    Sweep sweepLeftovers() throws IOException {
        if (!Files.isDirectory(directory)) {
            return new Sweep(0, 0);
        }
        int files = 0;
        long bytes = 0;
        try (DirectoryStream<Path> temporary = Files.newDirectoryStream(directory, RecordFiles::isTemporary)) {
            for (Path file : temporary) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isDirectory() && Files.deleteIfExists(file)) {
                    files++;
                    bytes += attributes.isRegularFile() ? attributes.size() : 0;
                }
            }
        }
        return new Sweep(files, bytes);
    }

    private static boolean isTemporary(Path file) {
        return TEMPORARY.matcher(file.getFileName().toString()).matches();
    }

    /** Renames {@code temporary} to {@code target} in one step where the file system can. */
    static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path file(String callSid, String extension) {
        if (!CallSids.isCallSid(callSid)) {
            throw new IllegalArgumentException("not a Twilio CallSid: " + callSid);
        }
        Path file = directory.resolve(callSid + extension).normalize();
        if (!directory.equals(file.getParent())) {
            throw new IllegalArgumentException("a record file must be in " + directory + ": " + file);
        }
        return file;
    }
}
