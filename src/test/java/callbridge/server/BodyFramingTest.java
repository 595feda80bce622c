package callbridge.server;

import callbridge.http.MalformedRequestException;
import callbridge.http.RequestHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How far a request body reaches (RFC 9112 6), and what the relay copies of it: pure, on bytes. */
class BodyFramingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "                                     | None[]",
            "Content-Length: 0                    | None[]",
            "Content-Length: 5                    | Fixed[length=5]",
            "Content-Length: 007                  | Fixed[length=7]",
            "Content-Length: 5, 5                 | Fixed[length=5]",
            "Transfer-Encoding: chunked           | Chunked[]",
            "Transfer-Encoding: CHUNKED           | Chunked[]",
    })
    void of_framingFromHeaders(String headerLine, String expected) throws Exception {
        assertEquals(expected, BodyFraming.of(head(headerLine)).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: 5\r\nTransfer-Encoding: chunked",
            "Content-Length: abc",
            "Content-Length: -5",
            "Content-Length: 5, 6",
            "Content-Length: 5\r\nContent-Length: 6",
            "Content-Length: 1234567890123456789",   // 19 digits: past what a long safely holds
            "Transfer-Encoding: gzip",
            "Transfer-Encoding: chunked, gzip",
            "Transfer-Encoding: gzip, chunked",
    })
    void of_ambiguousOrBadFraming_refused(String headerLines) {
        assertThrows(MalformedRequestException.class, () -> BodyFraming.of(head(headerLines)));
    }

    @Test
    void fixed_copiesExactlyItsLength_leavesTheNextRequest() throws Exception {
        ByteArrayInputStream from = input("helloGET /next HTTP/1.1\r\n\r\n");
        assertEquals("hello", copied(new BodyFraming.Fixed(5), from));
        assertEquals("GET /next HTTP/1.1\r\n\r\n", rest(from));
    }

    @Test
    void fixed_connectionClosedEarly_malformed() {
        assertThrows(MalformedRequestException.class, () -> copied(new BodyFraming.Fixed(10), input("short")));
    }

    @Test
    void chunked_copiesChunksAsSent_leavesTheNextRequest() throws Exception {
        String body = "5\r\nhello\r\n1;ext=\"a b\"\r\n \r\na\r\n0\r\n\r\nworld\r\n0\r\n\r\n";
        ByteArrayInputStream from = input(body + "GET /next HTTP/1.1\r\n\r\n");
        assertEquals(body, copied(new BodyFraming.Chunked(), from));
        assertEquals("GET /next HTTP/1.1\r\n\r\n", rest(from));
    }

    @Test
    void chunked_upperCaseHexSize_read() throws Exception {
        String body = "A\r\n0123456789\r\n0\r\n\r\n";
        assertEquals(body, copied(new BodyFraming.Chunked(), input(body)));
    }

    @Test
    void chunked_trailerFields_readButNotPassedOn() throws Exception {
        ByteArrayInputStream from = input("3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-More: 2\r\n\r\nNEXT");
        assertEquals("3\r\nabc\r\n0\r\n\r\n", copied(new BodyFraming.Chunked(), from));
        assertEquals("NEXT", rest(from));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "5\nhello\r\n0\r\n\r\n",                 // size line ended by a bare LF
            "5;ext\nhello\r\n0\r\n\r\n",             // ... after an extension, where the HttpServer reads past it
            "5\r\nhello\n0\r\n\r\n",                 // data ended by a bare LF
            "5\r\nhello\r0\r\n\r\n",                 // bare CR
            "5\r\nhelloX\r\n0\r\n\r\n",              // data longer than its size
            "-5\r\nhello\r\n0\r\n\r\n",              // sign
            "+5\r\nhello\r\n0\r\n\r\n",
            " 5\r\nhello\r\n0\r\n\r\n",              // space
            "0x5\r\nhello\r\n0\r\n\r\n",
            "\r\nhello\r\n0\r\n\r\n",                // no size
            "80000000\r\n",                          // 2^31: the HttpServer reads sizes into an int
            "123456789\r\n",                         // nine digits
            "5\r\nhel",                              // connection closed inside
            "0\r\nX-Trailer: 1\r\n",                 // closed inside the trailer
    })
    void chunked_malformed_refused(String body) {
        assertThrows(MalformedRequestException.class, () -> copied(new BodyFraming.Chunked(), input(body)));
    }

    @Test
    void chunked_endlessSizeLine_refused() {
        String body = "5;" + "x".repeat(BodyFraming.MAX_CHUNK_LINE + 10) + "\r\nhello\r\n0\r\n\r\n";
        assertThrows(MalformedRequestException.class, () -> copied(new BodyFraming.Chunked(), input(body)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "GET / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n   | GET / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n",
            "GET / HTTP/1.1\\nHost: h\\n\\n            | GET / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n",
            "GET / HTTP/1.1\\r\\nHost: h\\n\\r\\n      | GET / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n",
            "\\nGET / HTTP/1.1\\n\\n                   | \\r\\nGET / HTTP/1.1\\r\\n\\r\\n",
    })
    void relay_headLineEnds_passedOnAsCrlf(String raw, String expected) {
        byte[] converted = HttpRelay.withCrlfLineEnds(unescape(raw).getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(unescape(expected), new String(converted, StandardCharsets.ISO_8859_1));
    }

    private static RequestHead head(String headerLines) throws MalformedRequestException {
        String fields = headerLines == null || headerLines.isBlank() ? "" : headerLines + "\r\n";
        return RequestHead.parse(("POST / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ByteArrayInputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String copied(BodyFraming framing, ByteArrayInputStream from) throws IOException {
        ByteArrayOutputStream to = new ByteArrayOutputStream();
        framing.copy(from, to);
        return to.toString(StandardCharsets.ISO_8859_1);
    }

    private static String rest(ByteArrayInputStream from) {
        return new String(from.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }
}
