package callbridge.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RequestHead.parse against RFC 9112 sections 2-5: what it accepts, how it reads it, and what it refuses. */
class RequestHeadTest {

    @Test
    void parse_originForm_readsEveryPart() throws Exception {
        byte[] raw = bytes("GET /generate?sid=CA1&first=true HTTP/1.1\r\nHost: example.test\r\n\r\n");
        RequestHead head = RequestHead.parse(raw);
        assertEquals("GET", head.method());
        assertEquals("/generate?sid=CA1&first=true", head.target());
        assertEquals("/generate", head.path());
        assertEquals("HTTP/1.1", head.version());
        assertEquals(Optional.of("example.test"), head.header("Host"));
        assertArrayEquals(raw, head.raw(), "raw keeps the bytes as they came");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            // method, target as sent, path
            "GET,     /,                               /",
            "GET,     /media,                          /media",
            "POST,    /twilio-voice?x=1&y=,            /twilio-voice",
            "GET,     http://example.test/media?a=b,   http://example.test/media",   // absolute form (RFC 9112 3.2.2)
            "CONNECT, example.test:443,                example.test:443",            // authority form (3.2.3)
            "OPTIONS, *,                               *",                           // asterisk form (3.2.4)
    })
    void parse_requestTargetForms(String method, String target, String path) throws Exception {
        RequestHead head = RequestHead.parse(bytes(method + " " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertEquals(method, head.method());
        assertEquals(target, head.target());
        assertEquals(path, head.path());
    }

    @Test
    void parse_http10_keepsTheVersion() throws Exception {
        assertEquals("HTTP/1.0", RequestHead.parse(bytes("GET / HTTP/1.0\r\n\r\n")).version());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "\r\n\r\n",
            "GET /\r\n\r\n",                      // no version
            "GET\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",            // two spaces
            "GET / HTTP/1.1 \r\n\r\n",            // trailing space
            " GET / HTTP/1.1\r\n\r\n",            // leading space
            "GET / HTTP/1.1 extra\r\n\r\n",
            "GET / HTTP/11\r\n\r\n",
            "GET / http/1.1\r\n\r\n",
            "GET / HTTP/1.x\r\n\r\n",
            "GET\t/\tHTTP/1.1\r\n\r\n",
    })
    void parse_malformedRequestLine_refused(String head) {
        assertThrows(MalformedRequestException.class, () -> RequestHead.parse(bytes(head)));
    }

    @Test
    void header_nameIsCaseInsensitive() throws Exception {
        RequestHead head = RequestHead.parse(bytes("GET / HTTP/1.1\r\nCONTENT-type: text/plain\r\nx-API-key: k\r\n\r\n"));
        assertEquals(Optional.of("text/plain"), head.header("Content-Type"));
        assertEquals(Optional.of("text/plain"), head.header("content-type"));
        assertEquals(Optional.of("k"), head.header("X-API-KEY"));
        assertEquals(Optional.empty(), head.header("Content-Length"));
    }

    @Test
    void header_valueIsStrippedOfSurroundingWhitespace_innerSpaceKept() throws Exception {
        RequestHead head = RequestHead.parse(bytes("GET / HTTP/1.1\r\nX-Note:  \t two  words \t\r\nX-Tight:v\r\n\r\n"));
        assertEquals(Optional.of("two  words"), head.header("X-Note"));
        assertEquals(Optional.of("v"), head.header("X-Tight"));
    }

    @Test
    void header_repeatedField_keepsEveryValueInOrder() throws Exception {
        RequestHead head = RequestHead.parse(bytes("GET / HTTP/1.1\r\nAccept: a\r\naccept: b\r\nACCEPT: c\r\n\r\n"));
        assertEquals(List.of("a", "b", "c"), head.headers().get("accept"));
        assertEquals(Optional.of("a"), head.header("Accept"), "header() is the first value");
    }

    @Test
    void header_emptyValue_isPresentAndEmpty() throws Exception {
        RequestHead head = RequestHead.parse(bytes("GET / HTTP/1.1\r\nX-Empty:\r\n\r\n"));
        assertEquals(Optional.of(""), head.header("X-Empty"));
        assertEquals(List.of(), head.headerTokens("X-Empty"));
    }

    @Test
    void header_latin1Bytes_readAsLatin1() throws Exception {
        byte[] raw = "GET / HTTP/1.1\r\nX-Name: Jos\u00e9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Optional.of("Jos\u00e9"), RequestHead.parse(raw).header("X-Name"));
    }

    @Test
    void headers_cannotBeChanged() throws Exception {
        RequestHead head = RequestHead.parse(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertThrows(UnsupportedOperationException.class, () -> head.headers().put("x", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> head.headers().get("host").add("other"));
    }

    // --- list fields (RFC 9110 5.3, 5.6.1)

    @ParameterizedTest(name = "{0}: {1} in {2} is {3}")
    @CsvSource(delimiter = '|', value = {
            "Connection: keep-alive, Upgrade                | Connection | Upgrade    | true",
            "Connection: keep-alive, Upgrade                | Connection | keep-alive | true",
            "Connection: keep-alive,Upgrade                 | Connection | upgrade    | true",
            "Connection: UPGRADE                            | Connection | upgrade    | true",
            "Connection: keep-alive\\r\\nConnection: Upgrade  | connection | Upgrade    | true",  // one list, two lines
            "Connection: keep-alive                         | Connection | Upgrade    | false",
            "Connection: upgraded                           | Connection | Upgrade    | false", // whole tokens only
            "Connection: keep-alive-ish                     | Connection | keep-alive | false",
            "Upgrade: WebSocket                             | Upgrade    | websocket  | true",
            "Upgrade: h2c                                   | Upgrade    | websocket  | false",
            "X-Other: Upgrade                               | Connection | Upgrade    | false",
    })
    void hasToken_readsCommaSeparatedListsCaseInsensitively(String headerLines, String field, String token,
                                                            boolean expected) throws Exception {
        RequestHead head = RequestHead.parse(bytes("GET / HTTP/1.1\r\n" + headerLines.replace("\\r\\n", "\r\n")
                + "\r\n\r\n"));
        assertEquals(expected, head.hasToken(field, token));
    }

    @Test
    void headerTokens_splitsAtCommasAcrossLines_dropsEmptyElements() throws Exception {
        RequestHead head = RequestHead.parse(bytes(
                "GET / HTTP/1.1\r\nTransfer-Encoding: gzip , ,chunked\r\nTransfer-Encoding: br\r\n\r\n"));
        assertEquals(List.of("gzip", "chunked", "br"), head.headerTokens("transfer-encoding"));
        assertEquals(List.of(), head.headerTokens("Content-Length"));
    }

    // --- line endings (RFC 9112 2.2)

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /x HTTP/1.1\nHost: h\nX-A: 1\n\n",            // bare LF throughout
            "GET /x HTTP/1.1\r\nHost: h\nX-A: 1\r\n\n",        // mixed
            "\r\nGET /x HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n", // an empty line before the request line
            "\n\r\n\nGET /x HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n",
    })
    void parse_tolerantLineEndings_sameHead(String text) throws Exception {
        RequestHead head = RequestHead.parse(bytes(text));
        assertEquals("GET", head.method());
        assertEquals("/x", head.target());
        assertEquals(Optional.of("h"), head.header("Host"));
        assertEquals(Optional.of("1"), head.header("X-A"));
        assertEquals(2, head.headers().size());
    }

    // --- header lines refused: each is read differently by some other parser (RFC 9112 5.1, 5.2, 2.2)

    @ParameterizedTest
    @ValueSource(strings = {
            "Host: h\r\n folded: continuation",       // obs-fold with a space
            "Host: h\r\n\tfolded",                    // obs-fold with a tab
            "Host : h",                               // whitespace before the colon
            "Host\t: h",
            "Content-Length\u000b: 5",
            "Host h",                                 // no colon
            ": value",                                // empty name
            "X-A: one\rContent-Length: 5",            // bare CR inside a line
            "X-A: one\r",                             // bare CR at the end of a line
            "X-A: o\u0000ne",                         // NUL (RFC 9110 5.5)
    })
    void parse_badHeaderLine_refused(String headerLine) {
        MalformedRequestException e = assertThrows(MalformedRequestException.class,
                () -> RequestHead.parse(bytes("GET / HTTP/1.1\r\n" + headerLine + "\r\n\r\n")));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void parse_bareCrInRequestLine_refused() {
        assertThrows(MalformedRequestException.class, () -> RequestHead.parse(bytes("GET /a\rb HTTP/1.1\r\n\r\n")));
    }

    @Test
    void path_dropsQueryOnly() throws Exception {
        assertEquals("/a/b", RequestHead.parse(bytes("GET /a/b?c=d?e HTTP/1.1\r\n\r\n")).path());
        assertEquals("/a/b", RequestHead.parse(bytes("GET /a/b? HTTP/1.1\r\n\r\n")).path());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
