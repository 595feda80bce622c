package callbridge.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STREAM_SECRET keys the tokens binding streams to calls: optional, long enough when set, never shown. */
class StreamSecretTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void unset_isEmpty_soARandomSecretIsMadeAtStartUp() {
        assertEquals(Optional.empty(), Config.fromSources(Map.of(), Map.of()).twilio().streamSecret());
    }

    @Test
    void thirtyTwoCharacters_areTaken_andNeverShown() {
        Config config = Config.fromSources(Map.of("STREAM_SECRET", SECRET), Map.of());
        assertEquals(SECRET, config.twilio().streamSecret().orElseThrow().value());
        assertFalse(config.toString().contains(SECRET), config.toString());
    }

    @Test
    void shorter_stopsStartUp_namingTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.fromSources(Map.of("STREAM_SECRET", SECRET.substring(1)), Map.of()));
        assertTrue(e.getMessage().startsWith("STREAM_SECRET must be at least 32 characters"), e.getMessage());
    }
}
