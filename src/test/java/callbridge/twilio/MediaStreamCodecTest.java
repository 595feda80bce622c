package callbridge.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Messages as Twilio sends them (https://www.twilio.com/docs/voice/media-streams/websocket-messages):
 * sequenceNumber, chunk and timestamp are JSON strings, mediaFormat's numbers are numbers.
 */
class MediaStreamCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0";
    private static final String CALL = "CA22d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
    private static final String ACCOUNT = "AC11e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1";
    /** 20 ms of mu-law, bytes spread over the whole range. */
    private static final byte[] AUDIO = audio();

    @Test
    void decode_connected() throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Connected("Call", "1.0.0")),
                MediaStreamCodec.decode("""
                        {"event": "connected", "protocol": "Call", "version": "1.0.0"}"""));
    }

    @Test
    void decode_start() throws Exception {
        String start = """
                {
                  "event": "start",
                  "sequenceNumber": "1",
                  "start": {
                    "accountSid": "%s",
                    "streamSid": "%s",
                    "callSid": "%s",
                    "tracks": ["inbound"],
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                    "customParameters": {"From": "+34600111222", "To": "+34900333444", "Direction": "outbound-api"}
                  },
                  "streamSid": "%s"
                }""".formatted(ACCOUNT, STREAM, CALL, STREAM);
        assertEquals(Optional.of(new MediaStreamEvent.Start(STREAM, CALL, ACCOUNT, List.of("inbound"),
                        Map.of("From", "+34600111222", "To", "+34900333444", "Direction", "outbound-api"),
                        "audio/x-mulaw", 8000, 1)),
                MediaStreamCodec.decode(start));
    }

    @Test
    void decode_startWithBothTracksAndNoParameters() throws Exception {
        String start = """
                {"event": "start", "sequenceNumber": "1", "streamSid": "%s",
                 "start": {"accountSid": "%s", "streamSid": "%s", "callSid": "%s",
                           "tracks": ["inbound", "outbound"], "customParameters": {},
                           "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}}
                """.formatted(STREAM, ACCOUNT, STREAM, CALL);
        MediaStreamEvent.Start decoded = (MediaStreamEvent.Start) MediaStreamCodec.decode(start).orElseThrow();
        assertEquals(List.of("inbound", "outbound"), decoded.tracks());
        assertEquals(Map.of(), decoded.customParameters());
    }

    @Test
    void decode_media() throws Exception {
        String media = """
                {"event": "media", "sequenceNumber": "3",
                 "media": {"track": "inbound", "chunk": "2", "timestamp": "40", "payload": "%s"},
                 "streamSid": "%s"}""".formatted(Base64.getEncoder().encodeToString(AUDIO), STREAM);
        MediaStreamEvent.Media decoded = assertInstanceOf(MediaStreamEvent.Media.class,
                MediaStreamCodec.decode(media).orElseThrow());
        assertEquals(STREAM, decoded.streamSid());
        assertEquals("inbound", decoded.track());
        assertEquals(2, decoded.chunk());
        assertEquals(40, decoded.timestampMillis());
        assertArrayEquals(AUDIO, decoded.payload());
    }

    @Test
    void decode_mediaWithNumbersAsNumbers() throws Exception {
        String media = """
                {"event": "media", "streamSid": "%s", "media": {"track": "inbound", "chunk": 7, "timestamp": 140, "payload": "/w=="}}
                """.formatted(STREAM);
        MediaStreamEvent.Media decoded = (MediaStreamEvent.Media) MediaStreamCodec.decode(media).orElseThrow();
        assertEquals(7, decoded.chunk());
        assertEquals(140, decoded.timestampMillis());
        assertArrayEquals(new byte[]{(byte) 0xFF}, decoded.payload());
    }

    @Test
    void decode_mark() throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Mark(STREAM, "turn-3 done")), MediaStreamCodec.decode("""
                {"event": "mark", "sequenceNumber": "4", "streamSid": "%s", "mark": {"name": "turn-3 done"}}
                """.formatted(STREAM)));
    }

    @Test
    void decode_dtmf() throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Dtmf(STREAM, "inbound_track", "#")), MediaStreamCodec.decode("""
                {"event": "dtmf", "streamSid": "%s", "sequenceNumber": "5", "dtmf": {"track": "inbound_track", "digit": "#"}}
                """.formatted(STREAM)));
    }

    @Test
    void decode_stop() throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Stop(STREAM, CALL)), MediaStreamCodec.decode("""
                {"event": "stop", "sequenceNumber": "5", "stop": {"accountSid": "%s", "callSid": "%s"}, "streamSid": "%s"}
                """.formatted(ACCOUNT, CALL, STREAM)));
    }

    @Test
    void decode_unknownEvent_isIgnored() throws Exception {
        assertEquals(Optional.empty(), MediaStreamCodec.decode("""
                {"event": "transcription", "streamSid": "%s", "transcription": {"text": "hola"}}""".formatted(STREAM)));
    }

    @Test
    void decode_unknownFields_areIgnored() throws Exception {
        String mark = """
                {"event": "mark", "streamSid": "%s", "future": [1, {"a": null}], "sequenceNumber": "9",
                 "mark": {"name": "m1", "extra": true}}""".formatted(STREAM);
        assertEquals(Optional.of(new MediaStreamEvent.Mark(STREAM, "m1")), MediaStreamCodec.decode(mark));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("not JSON", "event=media"),
                Arguments.of("cut off", "{\"event\": \"media\", \"media\": {"),
                Arguments.of("an array", "[{\"event\": \"media\"}]"),
                Arguments.of("text after the object", "{\"event\": \"connected\"} {\"event\": \"stop\"}"),
                Arguments.of("a string", "\"media\""),
                Arguments.of("null", "null"),
                Arguments.of("empty text", ""),
                Arguments.of("no event", "{\"streamSid\": \"MZ1\"}"),
                Arguments.of("empty event", "{\"event\": \"\", \"streamSid\": \"MZ1\"}"),
                Arguments.of("start without callSid",
                        "{\"event\": \"start\", \"streamSid\": \"MZ1\", \"start\": {\"streamSid\": \"MZ1\", \"tracks\": [\"inbound\"]}}"),
                Arguments.of("start without streamSid",
                        "{\"event\": \"start\", \"start\": {\"callSid\": \"CA1\"}}"),
                Arguments.of("media with bad base64",
                        "{\"event\": \"media\", \"streamSid\": \"MZ1\", \"media\": {\"payload\": \"not*base64!\"}}"),
                Arguments.of("media without payload",
                        "{\"event\": \"media\", \"streamSid\": \"MZ1\", \"media\": {\"track\": \"inbound\"}}"),
                Arguments.of("media without streamSid", "{\"event\": \"media\", \"media\": {\"payload\": \"/w==\"}}"),
                Arguments.of("mark without name", "{\"event\": \"mark\", \"streamSid\": \"MZ1\", \"mark\": {}}"),
                Arguments.of("mark with an object for a name",
                        "{\"event\": \"mark\", \"streamSid\": \"MZ1\", \"mark\": {\"name\": {}}}"),
                Arguments.of("mark without mark", "{\"event\": \"mark\", \"streamSid\": \"MZ1\"}"),
                Arguments.of("dtmf without digit", "{\"event\": \"dtmf\", \"streamSid\": \"MZ1\", \"dtmf\": {\"track\": \"inbound_track\"}}"),
                Arguments.of("stop without streamSid", "{\"event\": \"stop\", \"stop\": {\"callSid\": \"CA1\"}}"),
                Arguments.of("dtmf of two keys", dtmf("12")),
                Arguments.of("dtmf of a letter no keypad has", dtmf("x")),
                Arguments.of("dtmf of a lower-case keypad letter", dtmf("a")),
                Arguments.of("dtmf forging a log line", dtmf("1\\r\\nINFO forged")),
                Arguments.of("dtmf of 60,000 keys", dtmf("1".repeat(60_000))),
                Arguments.of("streamSid of 65 characters", "{\"event\": \"stop\", \"streamSid\": \"%s\"}".formatted("M".repeat(65))),
                Arguments.of("mark name of 129 characters",
                        "{\"event\": \"mark\", \"streamSid\": \"MZ1\", \"mark\": {\"name\": \"%s\"}}".formatted("n".repeat(129))),
                Arguments.of("start with 3 tracks", start("\"tracks\": [\"inbound\", \"outbound\", \"both\"]")),
                Arguments.of("start with 100 custom parameters", start(parameters(100, 1))),
                Arguments.of("start with an object for a parameter", start("\"customParameters\": {\"From\": {\"a\": \"%s\"}}".formatted("x".repeat(60_000)))),
                Arguments.of("start with a number for a parameter", start("\"customParameters\": {\"From\": 34600111222}")),
                Arguments.of("start with 4,001 characters of custom parameters", start(parameters(1, 3_999))),
                Arguments.of("start with an accountSid of 65 characters",
                        start("\"accountSid\": \"%s\"".formatted("A".repeat(65)))));
    }

    /** Every key of a keypad with a fourth column: the bounds above refuse nothing Twilio can send. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("keypad")
    void decode_dtmf_everyKeypadKey(String key) throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Dtmf(STREAM, "inbound_track", key)),
                MediaStreamCodec.decode(dtmf(key).replace("MZ1", STREAM)));
    }

    static Stream<String> keypad() {
        return "0123456789*#ABCD".chars().mapToObj(Character::toString);
    }

    @Test
    void decode_start_atEveryBound() throws Exception {
        MediaStreamEvent.Start start = (MediaStreamEvent.Start) MediaStreamCodec.decode(
                start(parameters(MediaStreamCodec.MAX_PARAMETERS, 1) + ", \"accountSid\": \"%s\", \"tracks\": [\"inbound\", \"outbound\"]"
                        .formatted("A".repeat(MediaStreamCodec.MAX_SID_CHARS)))).orElseThrow();
        assertEquals(MediaStreamCodec.MAX_PARAMETERS, start.customParameters().size());
        MediaStreamEvent.Start longest = (MediaStreamEvent.Start) MediaStreamCodec.decode(
                start(parameters(1, MediaStreamCodec.MAX_PARAMETER_CHARS - 4))).orElseThrow();
        assertEquals(MediaStreamCodec.MAX_PARAMETER_CHARS - 4, longest.customParameters().get("p000").length());
    }

    private static String dtmf(String digit) {
        return "{\"event\": \"dtmf\", \"streamSid\": \"MZ1\", \"dtmf\": {\"track\": \"inbound_track\", \"digit\": \"%s\"}}"
                .formatted(digit);
    }

    /** A start message whose {@code start} object also holds {@code fields}. */
    private static String start(String fields) {
        return "{\"event\": \"start\", \"streamSid\": \"MZ1\", \"start\": {\"callSid\": \"CA1\", %s}}".formatted(fields);
    }

    /** {@code count} custom parameters p000, p001... each with a value of {@code valueChars} characters. */
    private static String parameters(int count, int valueChars) {
        StringBuilder json = new StringBuilder("\"customParameters\": {");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ", ").append("\"p%03d\": \"%s\"".formatted(i, "v".repeat(valueChars)));
        }
        return json.append('}').toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void decode_malformed_isRejected(String name, String text) {
        assertThrows(MalformedMessageException.class, () -> MediaStreamCodec.decode(text));
    }

    @Test
    void media_hasExactlyTwilioShape() throws Exception {
        JsonNode sent = JSON.readTree(MediaStreamCodec.media(STREAM, AUDIO));
        JsonNode expected = JSON.readTree("""
                {"event": "media", "streamSid": "%s", "media": {"payload": "%s"}}
                """.formatted(STREAM, Base64.getEncoder().encodeToString(AUDIO)));
        assertEquals(expected, sent);
        assertArrayEquals(AUDIO, Base64.getDecoder().decode(sent.path("media").path("payload").asText()));
    }

    @Test
    void mark_hasExactlyTwilioShape() throws Exception {
        String name = "turn \"7\" \\ ñ";
        assertEquals(JSON.readTree("""
                        {"event": "mark", "streamSid": "%s", "mark": {"name": "turn \\"7\\" \\\\ ñ"}}""".formatted(STREAM)),
                JSON.readTree(MediaStreamCodec.mark(STREAM, name)));
    }

    @Test
    void clear_hasExactlyTwilioShape() throws Exception {
        assertEquals(JSON.readTree("{\"event\": \"clear\", \"streamSid\": \"%s\"}".formatted(STREAM)),
                JSON.readTree(MediaStreamCodec.clear(STREAM)));
    }

    @Test
    void markSent_decodesAsTheMarkTwilioEchoes() throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Mark(STREAM, "end of turn")),
                MediaStreamCodec.decode(MediaStreamCodec.mark(STREAM, "end of turn")));
    }

    private static byte[] audio() {
        byte[] audio = new byte[160];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) (i * 97);
        }
        return audio;
    }
}
