package callbridge.websocket;

import callbridge.http.MalformedRequestException;
import callbridge.http.RequestHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's opening handshake (RFC 6455 4.2) on parsed request heads; over a socket see UpgradeTest. */
class HandshakeTest {
    @Test
    void acceptKey_rfcSection1_3Example() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void evaluate_validUpgrade_answers101WithTheAcceptKey() throws Exception {
        Handshake.Accepted accepted = assertInstanceOf(Handshake.Accepted.class,
                Handshake.evaluate(head("GET", "HTTP/1.1", RawClient.UPGRADE_HEADERS)));
        assertEquals(RawClient.RFC_ACCEPT, accepted.acceptKey());
        assertEquals(RawClient.SWITCHING_PROTOCOLS, new String(accepted.response(Map.of()), StandardCharsets.ISO_8859_1));
    }

    /** Header lines are matched as RFC 6455 4.2.1 and RFC 9110 say: names and tokens case-insensitive, lists. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Upgrade: WebSocket                                        | Upgrade: websocket
            Connection: keep-alive, Upgrade                           | Connection: Upgrade
            connection: upgrade                                       | Connection: Upgrade
            sec-websocket-version:   13                               | Sec-WebSocket-Version: 13
            """)
    void evaluate_headerSpellings_areAccepted(String replacement, String original) throws Exception {
        assertInstanceOf(Handshake.Accepted.class,
                Handshake.evaluate(head("GET", "HTTP/1.1", replace(original, replacement))));
    }

    /**
     * One row per rule of RFC 6455 4.2.1: the line of a valid upgrade that is changed (an empty replacement
     * leaves it out), and the answer. 4.4: another version gets 426 naming the one we speak.
     */
    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            Upgrade: websocket                  | -                                     | 400
            Upgrade: websocket                  | Upgrade: h2c                          | 400
            Connection: Upgrade                 | -                                     | 400
            Connection: Upgrade                 | Connection: keep-alive                | 400
            Sec-WebSocket-Key: %KEY%            | -                                     | 400
            Sec-WebSocket-Key: %KEY%            | Sec-WebSocket-Key: not base64!        | 400
            # base64 of 15 and of 17 bytes: the key must decode to exactly 16 (RFC 6455 4.1)
            Sec-WebSocket-Key: %KEY%            | Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0O      | 400
            Sec-WebSocket-Key: %KEY%            | Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODxA=  | 400
            Sec-WebSocket-Key: %KEY%            | Sec-WebSocket-Key:                    | 400
            Sec-WebSocket-Version: 13           | Sec-WebSocket-Version: 8              | 426
            Sec-WebSocket-Version: 13           | Sec-WebSocket-Version: 14             | 426
            Sec-WebSocket-Version: 13           | -                                     | 426
            """)
    void evaluate_brokenUpgrade_isRejected(String original, String replacement, int status) throws Exception {
        List<String> lines = replace(original.replace("%KEY%", RawClient.RFC_KEY), replacement);
        Handshake.Rejected rejected = assertInstanceOf(Handshake.Rejected.class,
                Handshake.evaluate(head("GET", "HTTP/1.1", lines)), lines::toString);
        assertEquals(status, rejected.response().status());
        Map<String, String> expectedHeaders = status == 426 ? Map.of("Sec-WebSocket-Version", "13") : Map.of();
        assertEquals(expectedHeaders, rejected.response().extraHeaders());
    }

    @Test
    void evaluate_nonGet_is405AllowingGet() throws Exception {
        for (String method : List.of("POST", "PUT", "HEAD", "OPTIONS")) {
            Handshake.Rejected rejected = assertInstanceOf(Handshake.Rejected.class,
                    Handshake.evaluate(head(method, "HTTP/1.1", RawClient.UPGRADE_HEADERS)), method);
            assertEquals(405, rejected.response().status(), method);
            assertEquals(Map.of("Allow", "GET"), rejected.response().extraHeaders(), method);
        }
    }

    @Test
    void evaluate_http10_is400() throws Exception {
        Handshake.Rejected rejected = assertInstanceOf(Handshake.Rejected.class,
                Handshake.evaluate(head("GET", "HTTP/1.0", RawClient.UPGRADE_HEADERS)));
        assertEquals(400, rejected.response().status());
    }

    /** RFC 6455 4.2.1 (2) lists Host among the handshake's fields; RFC 9112 3.2 answers its absence with 400. */
    @Test
    void evaluate_withoutHost_is400() throws Exception {
        String raw = "GET /echo HTTP/1.1\r\n" + String.join("\r\n", RawClient.UPGRADE_HEADERS) + "\r\n\r\n";
        Handshake.Rejected rejected = assertInstanceOf(Handshake.Rejected.class,
                Handshake.evaluate(RequestHead.parse(raw.getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(400, rejected.response().status());
    }

    /** The valid upgrade lines with {@code original} replaced, or removed when {@code replacement} is null. */
    private static List<String> replace(String original, String replacement) {
        List<String> lines = new ArrayList<>(RawClient.UPGRADE_HEADERS);
        int at = lines.indexOf(original);
        assertTrue(at >= 0, "no line " + original);
        if (replacement == null) {
            lines.remove(at);
        } else {
            lines.set(at, replacement);
        }
        return lines;
    }

    private static RequestHead head(String method, String version, List<String> lines) throws MalformedRequestException {
        StringBuilder raw = new StringBuilder(method + " /echo " + version + "\r\nHost: localhost\r\n");
        lines.forEach(line -> raw.append(line).append("\r\n"));
        return RequestHead.parse(raw.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
