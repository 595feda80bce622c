package callbridge.config;

import org.junit.jupiter.api.Test;

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
}
