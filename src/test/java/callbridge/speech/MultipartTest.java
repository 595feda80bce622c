package callbridge.speech;

import callbridge.testing.MultipartParser.Part;
import callbridge.testing.MultipartParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The body is read back with the strict RFC 7578 parser the ElevenLabs stand-in uses. */
class MultipartTest {
    private static final Pattern CONTENT_TYPE = Pattern.compile("multipart/form-data; boundary=(callbridge-[0-9a-f]{32})");

    @Test
    void toBytes_fieldsAndFile_readBackExactly() {
        byte[] audio = new byte[512];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) i; // every byte value, CR and LF among them
        }
        byte[] tricky = "\r\n--not-the-boundary\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Multipart form = new Multipart()
                .field("model_id", "scribe_v1")
                .field("language_code", "es")
                .file("file", "turn.wav", "audio/wav", audio)
                .file("notes", "notes.bin", "application/octet-stream", tricky);

        Map<String, Part> parts = MultipartParser.parse(form.contentType(), form.toBytes());

        assertEquals(List.of("model_id", "language_code", "file", "notes"), List.copyOf(parts.keySet()));
        assertEquals("scribe_v1", parts.get("model_id").text());
        assertNull(parts.get("model_id").fileName());
        assertNull(parts.get("model_id").contentType());
        assertEquals("es", parts.get("language_code").text());
        assertEquals("turn.wav", parts.get("file").fileName());
        assertEquals("audio/wav", parts.get("file").contentType());
        assertArrayEquals(audio, parts.get("file").content());
        assertArrayEquals(tricky, parts.get("notes").content());
    }

    @Test
    void field_utf8Value_isSentAsUtf8Bytes() {
        Multipart form = new Multipart().field("text", "¿Qué tal, ñandú?");
        Part part = MultipartParser.parse(form.contentType(), form.toBytes()).get("text");
        assertArrayEquals("¿Qué tal, ñandú?".getBytes(StandardCharsets.UTF_8), part.content());
    }

    @Test
    void file_empty_isAnEmptyPart() {
        Multipart form = new Multipart().file("file", "turn.wav", "audio/wav", new byte[0]);
        assertArrayEquals(new byte[0], MultipartParser.parse(form.contentType(), form.toBytes()).get("file").content());
    }

    @Test
    void toBytes_startsWithTheFirstBoundaryAndEndsWithTheClosingOne() {
        Multipart form = new Multipart().field("a", "1");
        String body = new String(form.toBytes(), StandardCharsets.ISO_8859_1);
        String boundary = boundary(form);
        assertTrue(body.startsWith("--" + boundary + "\r\n"), body);
        assertTrue(body.endsWith("\r\n--" + boundary + "--\r\n"), body);
        assertEquals(body.indexOf("--" + boundary + "--"), body.lastIndexOf("--" + boundary));
    }

    @Test
    void toBytes_calledTwice_givesTheSameBody() {
        Multipart form = new Multipart().field("a", "1");
        assertArrayEquals(form.toBytes(), form.toBytes());
    }

    @Test
    void contentType_boundaryIsRandomPerBody() {
        assertNotEquals(boundary(new Multipart()), boundary(new Multipart()));
    }

    private static String boundary(Multipart form) {
        Matcher matcher = CONTENT_TYPE.matcher(form.contentType());
        assertTrue(matcher.matches(), form.contentType());
        return matcher.group(1);
    }
}
