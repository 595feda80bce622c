package callbridge.call;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateRequestTest {
    @Test
    void parse_onlySid_hasTheSeedDefaults() throws Exception {
        GenerateRequest request = GenerateRequest.parse(Map.of("sid", "CA1"));
        assertEquals("CA1", request.sid());
        assertFalse(request.first());
        assertEquals(Optional.empty(), request.input());
        assertEquals(Duration.ofSeconds(30), request.timeout());
        assertEquals(Optional.empty(), request.talkTimeout());
    }

    @Test
    void parse_everyParameter() throws Exception {
        GenerateRequest request = GenerateRequest.parse(Map.of("sid", "CA1", "input", " Hola ", "timeout", "2.5",
                "talk_timeout", "90", "client", "anything"));
        assertEquals(Optional.of("Hola"), request.input());
        assertEquals(Duration.ofMillis(2_500), request.timeout());
        assertEquals(Optional.of(Duration.ofSeconds(90)), request.talkTimeout());
    }

    @Test
    void parse_firstTrue() throws Exception {
        assertTrue(GenerateRequest.parse(Map.of("sid", "CA1", "first", "true")).first());
        assertTrue(GenerateRequest.parse(Map.of("sid", "CA1", "first", "1")).first());
        assertFalse(GenerateRequest.parse(Map.of("sid", "CA1", "first", "false")).first());
    }

    @ParameterizedTest(name = "{0}={1} -> 400 naming {0}")
    @CsvSource({
            "sid, ''",
            "first, maybe",
            "timeout, abc",
            "timeout, -1",
            "timeout, 601",
            "timeout, NaN",
            "talk_timeout, 0",
            "talk_timeout, 86401",
            "talk_timeout, x",
            "input, '   '",
    })
    void parse_badValue_namesTheParameter(String name, String value) {
        Map<String, String> query = new HashMap<>(Map.of("sid", "CA1"));
        query.put(name, value);
        GenerateRequest.BadParameter e = assertThrows(GenerateRequest.BadParameter.class, () -> GenerateRequest.parse(query));
        assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }

    @Test
    void parse_missingSid_isRejected() {
        assertThrows(GenerateRequest.BadParameter.class, () -> GenerateRequest.parse(Map.of("first", "true")));
    }

    @Test
    void parse_firstWithInput_isRejected() {
        assertThrows(GenerateRequest.BadParameter.class,
                () -> GenerateRequest.parse(Map.of("sid", "CA1", "first", "true", "input", "hola")));
    }

    @Test
    void parse_inputTooLong_isRejected() {
        String longText = "a".repeat(GenerateRequest.MAX_INPUT_CHARS + 1);
        assertThrows(GenerateRequest.BadParameter.class, () -> GenerateRequest.parse(Map.of("sid", "CA1", "input", longText)));
    }
}
