package callbridge.websocket;

import callbridge.http.ResponseHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's half of the opening handshake (RFC 6455 4.1) on bytes: the request, and each check of the answer. */
class ClientHandshakeTest {
    /** RFC 6455 1.3: the sample nonce and the accept value the server must answer with. */
    private static final ClientHandshake RFC_SAMPLE = new ClientHandshake("dGhlIHNhbXBsZSBub25jZQ==");
    private static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    @Test
    void request_isRfcUpgradeWithExtraHeaders() {
        String request = new String(RFC_SAMPLE.request("server.example.com", "/chat/CA1/tok",
                Map.of("X-Twilio-Signature", "abc=")), StandardCharsets.ISO_8859_1);
        assertEquals("""
                GET /chat/CA1/tok HTTP/1.1\r
                Host: server.example.com\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                Sec-WebSocket-Version: 13\r
                X-Twilio-Signature: abc=\r
                \r
                """, request);
    }

    @Test
    void request_headerWithLineBreak_isRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> RFC_SAMPLE.request("h", "/", Map.of("X-Evil", "a\r\nHost: other")));
    }

    @Test
    void randomKey_is16BytesInBase64_newEachTime() {
        Random random = new Random(7);
        ClientHandshake first = ClientHandshake.withRandomKey(random);
        assertEquals(16, java.util.Base64.getDecoder().decode(first.key()).length);
        assertTrue(!first.key().equals(ClientHandshake.withRandomKey(random).key()));
    }

    @Test
    void problem_rfcSampleAnswer_isNone() throws Exception {
        assertEquals(Optional.empty(), RFC_SAMPLE.problem(answer("HTTP/1.1 101 Switching Protocols",
                "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: " + RFC_ACCEPT)));
    }

    @Test
    void problem_caseAndListsInTokens_areAccepted() throws Exception {
        assertEquals(Optional.empty(), RFC_SAMPLE.problem(answer("HTTP/1.1 101 OK",
                "upgrade: WebSocket", "connection: keep-alive, upgrade", "sec-websocket-accept: " + RFC_ACCEPT)));
    }

    /** RFC 6455 4.1: each of these makes the client fail the connection. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not 101             | HTTP/1.1 403 Forbidden | Upgrade: websocket | Connection: Upgrade | Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo= | 403
            no Upgrade          | HTTP/1.1 101 OK        | X-A: b             | Connection: Upgrade | Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo= | Upgrade
            no Connection       | HTTP/1.1 101 OK        | Upgrade: websocket | X-A: b              | Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo= | Connection
            wrong accept        | HTTP/1.1 101 OK        | Upgrade: websocket | Connection: Upgrade | Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ== | Accept
            missing accept      | HTTP/1.1 101 OK        | Upgrade: websocket | Connection: Upgrade | X-A: b                                         | Accept
            extension not asked | HTTP/1.1 101 OK        | Upgrade: websocket | Connection: Upgrade | Sec-WebSocket-Extensions: permessage-deflate    | Accept
            """)
    void problem_badAnswers(String name, String status, String h1, String h2, String h3, String expected) throws Exception {
        Optional<String> problem = RFC_SAMPLE.problem(answer(status, h1, h2, h3));
        assertTrue(problem.isPresent() && problem.get().contains(expected), name + ": " + problem);
    }

    @Test
    void problem_extensionChosenBesideAGoodAccept_isRefused() throws Exception {
        assertTrue(RFC_SAMPLE.problem(answer("HTTP/1.1 101 OK", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Accept: " + RFC_ACCEPT, "Sec-WebSocket-Protocol: chat")).isPresent());
    }

    @Test
    void readHead_stopsAtTheEmptyLine_leavingTheFirstFrame() throws Exception {
        byte[] bytes = Hex.concat("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                Hex.bytes("81 05 48 65 6c 6c 6f"));
        var in = new java.io.ByteArrayInputStream(bytes);
        assertEquals(101, ResponseHead.parse(WebSocketClient.readHead(in)).status());
        assertEquals(0x81, in.read());
    }

    private static ResponseHead answer(String... lines) throws Exception {
        return ResponseHead.parse((String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
}
