package callbridge.server;

import callbridge.call.SpeechCue;
import callbridge.call.TurnRequest;
import callbridge.server.QueryParameters.BadParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateQueryTest {
    private static final String SID = "CA" + "0123456789abcdef".repeat(2);

    @org.junit.jupiter.params.ParameterizedTest(name = "sid={0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"CA1", "CA0123456789abcdef0123456789abcdeg", "AC0123456789abcdef0123456789abcdef",
            "CA0123456789abcdef0123456789abcdef\nINFO forged"})
    void sid_thatNoCallCanHave_isRefused(String sid) {
        BadParameter refused = org.junit.jupiter.api.Assertions.assertThrows(BadParameter.class,
                () -> GenerateQuery.parse(Map.of("sid", sid)));
        assertEquals("sid must be a Twilio CallSid: CA and 32 hex digits", refused.getMessage());
    }
    @Test
    void parse_onlySid_hasTheSeedDefaults() throws Exception {
        TurnRequest request = GenerateQuery.parse(Map.of("sid", SID));
        assertEquals(SID, request.callSid());
        assertEquals(Optional.empty(), request.input());
        assertEquals(Duration.ofSeconds(30), request.timeout());
        assertEquals(Optional.empty(), request.talkTimeout());
    }

    @Test
    void parse_everyParameter() throws Exception {
        TurnRequest request = GenerateQuery.parse(Map.of("sid", SID, "input", " Hola ", "timeout", "2.5",
                "talk_timeout", "90", "client", "anything"));
        assertEquals(Optional.of("Hola"), request.input());
        assertEquals(Duration.ofMillis(2_500), request.timeout());
        assertEquals(Optional.of(Duration.ofSeconds(90)), request.talkTimeout());
    }

    /** Each spelling of false lets input through; each of true refuses it ({@link #parse_firstWithInput_isRejected}). */
    @ParameterizedTest(name = "first={0} with input -> spoken")
    @CsvSource({"false", "False", "0", "no", "off", "''"})
    void parse_firstFalse_everySpelling_takesInput(String spelling) throws Exception {
        assertEquals(Optional.of("hola"), GenerateQuery.parse(Map.of("sid", SID, "first", spelling, "input", "hola")).input());
    }

    /** Python requests sends {@code input=} for "no input", with {@code first=True} or without it. */
    @ParameterizedTest(name = "first={0}, input=''{1}'' -> only listen")
    @CsvSource({
            "True,  ''",
            "False, ''",
            "True,  '   '",
            "False, '   '",
    })
    void parse_emptyInput_meansNoInput(String first, String input) throws Exception {
        TurnRequest request = GenerateQuery.parse(Map.of("sid", SID, "first", first, "input", input));
        assertEquals(new TurnRequest(SID, Optional.empty(), Duration.ofSeconds(30), Optional.empty(), new SpeechCue.Now(), false),
                request);
    }

    /** The prototype driver's first turn, as decoded from its query string. */
    @Test
    void parse_thePrototypesFirstTurn() throws Exception {
        TurnRequest request = GenerateQuery.parse(Map.of("client", "simulator", "sid", SID, "first", "True",
                "timeout", "120.0", "input", "", "talk_timeout", "80"));
        assertEquals(new TurnRequest(SID, Optional.empty(), Duration.ofSeconds(120), Optional.of(Duration.ofSeconds(80)),
                new SpeechCue.Now(), false), request);
    }

    @Test
    void parse_talkTimeoutWithDecimals() throws Exception {
        assertEquals(Optional.of(Duration.ofMillis(80_500)),
                GenerateQuery.parse(Map.of("sid", SID, "talk_timeout", "80.5")).talkTimeout());
    }

    @ParameterizedTest(name = "{0}={1} -> 400 naming {0}")
    @CsvSource({
            "sid, ''",
            "first, maybe",
            "timeout, abc",
            "timeout, -1",
            "timeout, 601",
            "timeout, NaN",
            "timeout, 1e1",
            "timeout, 1E1",
            "timeout, 0x1p3",
            "timeout, Infinity",
            "timeout, 10d",
            "talk_timeout, 1e2",
            "talk_timeout, 0x10",
            "first, 2",
            "talk_timeout, 0",
            "talk_timeout, 86401",
            "talk_timeout, x",
    })
    void parse_badValue_namesTheParameter(String name, String value) {
        Map<String, String> query = new HashMap<>(Map.of("sid", SID));
        query.put(name, value);
        BadParameter e = assertThrows(BadParameter.class, () -> GenerateQuery.parse(query));
        assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }

    @Test
    void parse_missingSid_isRejected() {
        assertThrows(BadParameter.class, () -> GenerateQuery.parse(Map.of("first", "true")));
    }

    @ParameterizedTest(name = "first={0} with input -> 400")
    @CsvSource({"true", "True", "1", "yes", "on"})
    void parse_firstWithInput_isRejected(String first) {
        BadParameter e = assertThrows(BadParameter.class,
                () -> GenerateQuery.parse(Map.of("sid", SID, "first", first, "input", "hola")));
        assertEquals("first=true waits for the first utterance and takes no input", e.getMessage());
    }

    @Test
    void parse_inputTooLong_isRejected() {
        String longText = "a".repeat(GenerateQuery.MAX_INPUT_CHARS + 1);
        assertThrows(BadParameter.class, () -> GenerateQuery.parse(Map.of("sid", SID, "input", longText)));
    }

    @Test
    void parse_cues_readAsTheyAreWritten() throws Exception {
        assertEquals(new SpeechCue.Now(), GenerateQuery.parse(Map.of("sid", SID, "input", "hola")).cue());
        assertEquals(new SpeechCue.At(java.time.Instant.parse("2026-12-06T15:43:38.123Z")),
                GenerateQuery.parse(Map.of("sid", SID, "input", "hola", "reply_at", "2026-12-06T15:43:38.123Z")).cue());
        assertEquals(new SpeechCue.IntoFarEndSpeech(java.time.Duration.ofMillis(800)),
                GenerateQuery.parse(Map.of("sid", SID, "input", "hola", "interrupt_after_ms", "800")).cue());
        assertEquals(new SpeechCue.IntoFarEndSpeech(java.time.Duration.ZERO),
                GenerateQuery.parse(Map.of("sid", SID, "input", "hola", "interrupt_after_ms", "0")).cue());
        assertTrue(GenerateQuery.parse(Map.of("sid", SID, "input", "hola", "answer", "played")).answerOncePlayed());
        assertFalse(GenerateQuery.parse(Map.of("sid", SID, "input", "hola", "answer", "utterance")).answerOncePlayed());
        assertFalse(GenerateQuery.parse(Map.of("sid", SID, "input", "hola")).answerOncePlayed());
    }

    @ParameterizedTest(name = "{0}={1} -> 400 naming {2}")
    @CsvSource({
            "reply_at, tomorrow, reply_at",
            "reply_at, 2026-12-06 15:43:38, reply_at",
            "reply_at, 1765035818, reply_at",
            "interrupt_after_ms, -1, interrupt_after_ms",
            "interrupt_after_ms, 60001, interrupt_after_ms",
            "interrupt_after_ms, 0.5, interrupt_after_ms",
            "interrupt_after_ms, soon, interrupt_after_ms",
            "answer, later, answer",
    })
    void parse_badCue_namesTheParameter(String name, String value, String named) {
        Map<String, String> query = new HashMap<>(Map.of("sid", SID, "input", "hola"));
        query.put(name, value);
        BadParameter e = assertThrows(BadParameter.class, () -> GenerateQuery.parse(query));
        assertTrue(e.getMessage().startsWith(named), e.getMessage());
    }

    @Test
    void parse_cueWithoutInput_orTwoCues_isRejected() {
        for (Map<String, String> query : List.of(
                Map.of("sid", SID, "reply_at", "2026-12-06T15:43:38Z"),
                Map.of("sid", SID, "interrupt_after_ms", "800"),
                Map.of("sid", SID, "first", "true", "answer", "played"),
                Map.of("sid", SID, "input", "hola", "interrupt_after_ms", "800", "reply_at", "2026-12-06T15:43:38Z"))) {
            assertThrows(BadParameter.class, () -> GenerateQuery.parse(query), query.toString());
        }
    }

    /** Every parameter's bad value is echoed cut and escaped: an answer never carries the client's 5,000 characters back. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"reply_at", "interrupt_after_ms", "answer", "timeout", "talk_timeout", "first"})
    void parse_aHugeBadValue_isNotEchoedWhole(String name) {
        String huge = "9\r\n".repeat(2_000);
        BadParameter e = assertThrows(BadParameter.class,
                () -> GenerateQuery.parse(Map.of("sid", SID, "input", "hola", name, huge)));
        assertTrue(e.getMessage().length() < 1_300 && !e.getMessage().contains("\n"), e.getMessage()); // 200 characters, escaped
        assertTrue(e.getMessage().startsWith(name + " must be "), e.getMessage());
    }
}
