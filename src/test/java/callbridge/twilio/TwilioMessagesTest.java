package callbridge.twilio;

import callbridge.json.Json;
import callbridge.testing.TestTwilioMessages;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twilio's side of the media stream against the server's: every message Twilio sends is read by
 * {@link MediaStreamCodec} as the event it was written for, and every message the server sends is read back
 * as the command it was written for. (The exact text of each, field order included, is held to Twilio's
 * documentation in {@code FakeTwilioCallTest}, which sends them.)
 */
class TwilioMessagesTest {
    private static final String STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0";
    private static final String CALL = "CA22d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
    private static final String ACCOUNT = "AC11e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1";

    @Test
    void connected_isReadByTheServer() throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Connected("Call", "1.0.0")), MediaStreamCodec.decode(TwilioMessages.connected()));
    }

    @Test
    void start_isReadByTheServer_withItsParameters() throws Exception {
        Map<String, String> parameters = Map.of("From", "+34600111222", "Note", "quotes \" and \\ and ñ");
        assertEquals(Optional.of(new MediaStreamEvent.Start(STREAM, CALL, ACCOUNT, List.of("inbound"), parameters, "audio/x-mulaw", 8000, 1)),
                MediaStreamCodec.decode(TwilioMessages.start(1, STREAM, CALL, ACCOUNT, parameters)));
    }

    @Test
    void media_isReadByTheServer_asTheFrame() throws Exception {
        byte[] frame = new byte[160];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (i * 7);
        }
        MediaStreamEvent.Media media = (MediaStreamEvent.Media) MediaStreamCodec.decode(
                TestTwilioMessages.media(7, STREAM, 6, 100, frame)).orElseThrow();
        assertEquals(List.of(STREAM, "inbound", 6L, 100L), List.of(media.streamSid(), media.track(), media.chunk(), media.timestampMillis()));
        assertArrayEquals(frame, media.payload());
    }

    @Test
    void dtmfMarkAndStop_areReadByTheServer() throws Exception {
        assertEquals(Optional.of(new MediaStreamEvent.Dtmf(STREAM, "inbound_track", "#")), MediaStreamCodec.decode(TwilioMessages.dtmf(3, STREAM, "#")));
        assertEquals(Optional.of(new MediaStreamEvent.Mark(STREAM, "endOfPlayback-1")),
                MediaStreamCodec.decode(TwilioMessages.mark(4, STREAM, "endOfPlayback-1")));
        assertEquals(Optional.of(new MediaStreamEvent.Stop(STREAM, CALL)), MediaStreamCodec.decode(TwilioMessages.stop(5, STREAM, CALL, ACCOUNT)));
    }

    @Test
    void numbers_areStrings_asTwilioSendsThem() throws Exception {
        JsonNode media = Json.MAPPER.readTree(TestTwilioMessages.media(12, STREAM, 11, 200, new byte[160]));
        assertTrue(media.path("sequenceNumber").isTextual() && media.path("media").path("chunk").isTextual()
                && media.path("media").path("timestamp").isTextual(), media.toString());
        JsonNode start = Json.MAPPER.readTree(TwilioMessages.start(1, STREAM, CALL, ACCOUNT, Map.of()));
        assertTrue(start.path("sequenceNumber").isTextual(), start.toString());
        assertTrue(start.path("start").path("mediaFormat").path("sampleRate").isInt(), "mediaFormat's numbers are numbers");
    }

    @Test
    void decode_whatTheServerSends() throws Exception {
        byte[] audio = {0, 1, 2, (byte) 0xFF};
        MediaStreamCommand.Media media = (MediaStreamCommand.Media) TwilioMessages.decode(MediaStreamCodec.media(STREAM, audio)).orElseThrow();
        assertEquals(STREAM, media.streamSid());
        assertArrayEquals(audio, media.payload());
        assertEquals(Optional.of(new MediaStreamCommand.Mark(STREAM, "endOfPlayback-2")),
                TwilioMessages.decode(MediaStreamCodec.mark(STREAM, "endOfPlayback-2")));
        assertEquals(Optional.of(new MediaStreamCommand.Clear(STREAM)), TwilioMessages.decode(MediaStreamCodec.clear(STREAM)));
    }

    @Test
    void decode_anEventTwilioDoesNotTake_isEmpty() throws Exception {
        assertEquals(Optional.empty(), TwilioMessages.decode("{\"event\":\"start\",\"streamSid\":\"" + STREAM + "\"}"));
        assertEquals(Optional.empty(), TwilioMessages.decode("{\"streamSid\":\"" + STREAM + "\"}"));
    }

    @Test
    void decode_aMissingField_readsAsEmpty() throws Exception {
        assertEquals(Optional.of(new MediaStreamCommand.Mark("", "")), TwilioMessages.decode("{\"event\":\"mark\"}"));
        MediaStreamCommand.Media media = (MediaStreamCommand.Media) TwilioMessages.decode("{\"event\":\"media\"}").orElseThrow();
        assertEquals(0, media.payload().length);
    }

    @Test
    void decode_bounds_theStreamIdAndMarkName_asTheServerReadsThem() throws Exception {
        String longest = "m".repeat(MediaStreamCodec.MAX_MARK_NAME_CHARS);
        assertEquals(Optional.of(new MediaStreamCommand.Mark(STREAM, longest)), TwilioMessages.decode(MediaStreamCodec.mark(STREAM, longest)));
        assertThrows(MalformedMessageException.class, () -> TwilioMessages.decode(MediaStreamCodec.mark(STREAM, longest + "m")));
        String longSid = "MZ" + "0".repeat(MediaStreamCodec.MAX_SID_CHARS - 1);
        assertThrows(MalformedMessageException.class, () -> TwilioMessages.decode(MediaStreamCodec.clear(longSid)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "null", "{\"event\":\"clear\"} trailing", "{\"event\":\"media\",\"media\":{\"payload\":\"%%%\"}}"})
    void decode_malformed_throws(String text) {
        assertThrows(MalformedMessageException.class, () -> TwilioMessages.decode(text));
    }
}
