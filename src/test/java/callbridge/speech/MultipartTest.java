package callbridge.speech;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The body is read back with a small RFC 7578 / RFC 2046 parser written here. */
class MultipartTest {
    private static final Pattern CONTENT_TYPE = Pattern.compile("multipart/form-data; boundary=(callbridge-[0-9a-f]{32})");

    private record Part(List<String> headers, byte[] content) {
    }

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

        List<Part> parts = parse(form.toBytes(), boundary(form));

        assertEquals(4, parts.size());
        assertEquals(List.of("Content-Disposition: form-data; name=\"model_id\""), parts.get(0).headers());
        assertEquals("scribe_v1", new String(parts.get(0).content(), StandardCharsets.UTF_8));
        assertEquals(List.of("Content-Disposition: form-data; name=\"language_code\""), parts.get(1).headers());
        assertEquals("es", new String(parts.get(1).content(), StandardCharsets.UTF_8));
        assertEquals(List.of("Content-Disposition: form-data; name=\"file\"; filename=\"turn.wav\"", "Content-Type: audio/wav"),
                parts.get(2).headers());
        assertArrayEquals(audio, parts.get(2).content());
        assertArrayEquals(tricky, parts.get(3).content());
    }

    @Test
    void field_utf8Value_isSentAsUtf8Bytes() {
        Multipart form = new Multipart().field("text", "¿Qué tal, ñandú?");
        Part part = parse(form.toBytes(), boundary(form)).getFirst();
        assertArrayEquals("¿Qué tal, ñandú?".getBytes(StandardCharsets.UTF_8), part.content());
    }

    @Test
    void file_empty_isAnEmptyPart() {
        Multipart form = new Multipart().file("file", "turn.wav", "audio/wav", new byte[0]);
        assertArrayEquals(new byte[0], parse(form.toBytes(), boundary(form)).getFirst().content());
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

    /**
     * RFC 2046 5.1.1: the body is {@code --boundary CRLF part (CRLF --boundary CRLF part)* CRLF --boundary-- };
     * a part is header lines, an empty line, then the content. Nothing may follow the closing CRLF.
     */
    private static List<Part> parse(byte[] body, String boundary) {
        byte[] first = ("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(first, Arrays.copyOf(body, first.length), "opening boundary");
        List<Part> parts = new ArrayList<>();
        int position = first.length;
        while (true) {
            int end = indexOf(body, delimiter, position);
            assertTrue(end >= 0, "a delimiter after byte " + position);
            parts.add(part(Arrays.copyOfRange(body, position, end)));
            int after = end + delimiter.length;
            String rest = new String(body, after, Math.min(4, body.length - after), StandardCharsets.US_ASCII);
            if (rest.equals("--\r\n")) {
                assertEquals(body.length, after + 4, "nothing after the closing boundary");
                return parts;
            }
            assertTrue(rest.startsWith("\r\n"), "CRLF after a boundary");
            position = after + 2;
        }
    }

    private static Part part(byte[] bytes) {
        int blank = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        assertTrue(blank >= 0, "headers end with an empty line");
        List<String> headers = List.of(new String(bytes, 0, blank, StandardCharsets.UTF_8).split("\r\n"));
        return new Part(headers, Arrays.copyOfRange(bytes, blank + 4, bytes.length));
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = from; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
