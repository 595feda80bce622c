package callbridge.server;

import callbridge.server.QueryParameters.BadParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request's query read parameter by parameter, each refusal naming its parameter. */
class QueryParametersTest {
    @Test
    void decode_noQuery_isEmpty_aQuery_isDecoded() throws Exception {
        assertEquals(Map.of(), QueryParameters.decode(null));
        assertEquals(Map.of("input", "a b", "timeout", "2.5"), QueryParameters.decode("input=a+b&timeout=2.5"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a=%zz", "a=%", "%G1=1"})
    void decode_aBrokenEscape_isABadParameter(String rawQuery) {
        BadParameter e = assertThrows(BadParameter.class, () -> QueryParameters.decode(rawQuery));
        assertTrue(e.getMessage().startsWith("the query is not URL-encoded"), e.getMessage());
    }

    @Test
    void seconds_absent_isEmpty_present_isReadAsPlainValuesReadsIt() throws Exception {
        assertEquals(Optional.empty(), QueryParameters.seconds(Map.of(), "timeout", 0, 600));
        assertEquals(Optional.of(Duration.ofMillis(120_000)), QueryParameters.seconds(Map.of("timeout", "120.0"), "timeout", 0, 600));
        BadParameter e = assertThrows(BadParameter.class, () -> QueryParameters.seconds(Map.of("timeout", "1e1"), "timeout", 0, 600));
        assertEquals("timeout must be a number of seconds from 0 to 600, got \"1e1\"", e.getMessage());
    }

    @Test
    void bool_absentOrEmpty_isFalse() throws Exception {
        assertFalse(QueryParameters.bool(Map.of(), "first"));
        assertFalse(QueryParameters.bool(Map.of("first", ""), "first"));
        assertTrue(QueryParameters.bool(Map.of("first", "True"), "first"));
        assertThrows(BadParameter.class, () -> QueryParameters.bool(Map.of("first", "maybe"), "first"));
    }
}
