package callbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code LOG_LEVEL} and {@code METRICS_KEY}: what the server tells its operators. */
class ObservabilitySettingsTest {
    @Test
    void nothingSet_infoAndAnOpenMetricsRoute() {
        Config.Observability defaults = Config.fromSources(Map.of(), Map.of()).observability();
        assertEquals(Level.INFO, defaults.logLevel());
        assertEquals(Optional.empty(), defaults.metricsKey());
    }

    @ParameterizedTest(name = "LOG_LEVEL={0} -> {1}")
    @CsvSource({
            "ERROR,   ERROR",
            "WARN,    WARNING",
            "WARNING, WARNING",
            "INFO,    INFO",
            "DEBUG,   DEBUG",
            "TRACE,   TRACE",
            "debug,   DEBUG",
            "Warn,    WARNING",
            "' info ', INFO",
    })
    void logLevel_theUsualNamesInAnyCase(String value, Level expected) {
        assertEquals(expected, Config.fromSources(Map.of("LOG_LEVEL", value), Map.of()).observability().logLevel());
    }

    @ParameterizedTest(name = "LOG_LEVEL=''{0}''")
    @CsvSource({"FINE", "verbose", "3", "ALL", "OFF", "'INFO,DEBUG'"})
    void logLevel_anythingElse_errorNamesTheVariableTheValueAndTheChoices(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromSources(Map.of("LOG_LEVEL", value), Map.of()));
        assertEquals("LOG_LEVEL must be one of ERROR, WARN, WARNING, INFO, DEBUG, TRACE, got '" + value + "'", e.getMessage());
    }

    @Test
    void metricsKey_isASecret() {
        Config config = Config.fromSources(Map.of("METRICS_KEY", "scrape-key-value"), Map.of());
        assertEquals("scrape-key-value", config.observability().metricsKey().orElseThrow().value());
        assertFalse(config.toString().contains("scrape-key-value"), config.toString());
    }

    @Test
    void envExample_givesTheDefaults() {
        Config example = Config.fromSources(Map.of(), DotEnv.read(Path.of(".env.example")));
        assertEquals(Config.fromSources(Map.of(), Map.of()).observability(), example.observability());
    }

    @Test
    void bothNames_areKnownSettings() {
        assertTrue(UnknownSettings.warnings(Map.of("LOG_LEVEL", "INFO", "METRICS_KEY", "k")).isEmpty());
    }
}
