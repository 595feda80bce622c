package callbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RECORDS_DIR is made ready at start-up: a directory records cannot be written to stops it, named. */
class RecordsDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void missingDirectory_isCreated_withItsParents() {
        Path records = dir.resolve("a/b/records");
        records(records.toString()).prepareDirectory();
        assertTrue(Files.isDirectory(records));
        assertEquals(List.of(), list(records), "the write check leaves nothing behind");
    }

    @Test
    void setEmpty_keepsRecordsInMemory_andTouchesNoDisk() {
        Config.Records records = Config.fromSources(Map.of("RECORDS_DIR", ""), Map.of()).records();
        records.prepareDirectory();
        assertTrue(records.directory().isEmpty());
    }

    @Test
    void regularFile_stopsStartUp_namingTheVariableAndWhy() throws IOException {
        Path file = Files.writeString(dir.resolve("records"), "not a directory");
        var e = assertThrows(ConfigException.class, () -> records(file.toString()).prepareDirectory());
        assertTrue(e.getMessage().startsWith("RECORDS_DIR: " + file + " is a file, not a directory"), e.getMessage());
    }

    @Test
    void directoryUnderARegularFile_stopsStartUp_namingTheVariableAndWhy() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        var e = assertThrows(ConfigException.class, () -> records(file.resolve("records").toString()).prepareDirectory());
        assertTrue(e.getMessage().startsWith("RECORDS_DIR: cannot create directory " + file.resolve("records") + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains("Not a directory"), e.getMessage());
    }

    @Test
    void directoryNobodyMayCreate_stopsStartUp_namingTheVariable() {
        // /proc refuses new entries even to root, so this holds whoever runs the tests.
        var e = assertThrows(ConfigException.class, () -> records("/proc/callbridge-records").prepareDirectory());
        assertTrue(e.getMessage().startsWith("RECORDS_DIR: cannot create directory /proc/callbridge-records: "), e.getMessage());
    }

    private static Config.Records records(String value) {
        return Config.fromSources(Map.of("RECORDS_DIR", value), Map.of()).records();
    }

    private static List<Path> list(Path directory) {
        try (var files = Files.list(directory)) {
            return files.toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
