package callbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DotEnvTest {
    @Test
    void parse_readsCommentsQuotesAndExport() {
        Map<String, String> settings = DotEnv.parse(List.of(
                "# a comment",
                "",
                "PORT=9000",
                "export API_KEY = 'se cret'",
                "PUBLIC_URL=\"https://example.test\"",
                "TTS_VOICE_ID=abc # trailing comment",
                "EMPTY="), "test.env");
        assertEquals(Map.of("PORT", "9000", "API_KEY", "se cret", "PUBLIC_URL", "https://example.test",
                "TTS_VOICE_ID", "abc", "EMPTY", ""), settings);
    }

    @Test
    void parse_lineWithoutEquals_namesTheLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DotEnv.parse(List.of("PORT=1", "garbage"), "x.env"));
        assertTrue(e.getMessage().contains("x.env line 2"), e.getMessage());
    }

    @Test
    void parse_unterminatedQuote_isRejected() {
        assertThrows(ConfigException.class, () -> DotEnv.parse(List.of("A='open"), "x.env"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "A=b=c                    | b=c",          // only the first '=' separates
            "A=b#c                    | b#c",          // '#' starts a comment only after a space
            "A=  spaced  value        | spaced  value",
            "A='has # hash'           | has # hash",   // quotes protect a ' #'
            "A=\"it's\"                | it's",
            "A='say \"hi\"'             | say \"hi\"",
            "A=''                     | ''",
            "A=\"x\" # a comment       | x",            // a comment after a quoted value
            "A='x'   # a comment      | x",
    })
    void parse_values(String line, String expected) {
        assertEquals(Map.of("A", expected.equals("''") ? "" : expected), DotEnv.parse(List.of(line), "t.env"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"=value", "1ABC=x", "A-B=x", "export", "A B=x", "A=\"x\" trailing"})
    void parse_badLine_namesTheFileAndLine(String line) {
        ConfigException e = assertThrows(ConfigException.class, () -> DotEnv.parse(List.of("# ok", line), "t.env"));
        assertTrue(e.getMessage().contains("t.env line 2"), e.getMessage());
    }

    @Test
    void parse_laterLineWins() {
        assertEquals(Map.of("A", "2"), DotEnv.parse(List.of("A=1", "A=2"), "t.env"));
    }

    @Test
    void read_missingFile_isEmpty(@TempDir Path dir) {
        assertEquals(Map.of(), DotEnv.read(dir.resolve(".env")));
    }

    @Test
    void read_fileWithCrlfLinesAndUtf8(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(".env");
        Files.writeString(file, "PORT=9000\r\nTTS_LANGUAGE=gl\r\nGREETING=\"Ola, bo día\"\r\n", StandardCharsets.UTF_8);
        assertEquals(Map.of("PORT", "9000", "TTS_LANGUAGE", "gl", "GREETING", "Ola, bo día"), DotEnv.read(file));
    }

    @Test
    void read_directoryNamedLikeTheFile_isEmpty(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve(".env"));
        assertEquals(Map.of(), DotEnv.read(dir.resolve(".env")));
    }
}
