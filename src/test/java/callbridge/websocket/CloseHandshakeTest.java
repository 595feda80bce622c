package callbridge.websocket;


import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The closing handshake started by the client (RFC 6455 5.5.1, 7.1): a valid close is echoed with its
 * status code and the server then closes TCP; an invalid one fails the connection. Each test checks what
 * the endpoint's listener was told as well.
 */
class CloseHandshakeTest {
    private static final EchoEndpoint ECHO = new EchoEndpoint();
    @AutoClose
    private static final StandaloneServer server = TestServers.serving(Map.of("/echo", ECHO), Duration.ofSeconds(10));

    /** RFC 6455 5.5.1: the reply "typically echos the status code it received"; the server then closes TCP (7.1.1). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999})
    void validCode_isEchoedThenTcpClosed(int code) throws Exception {
        String id = "valid-" + code;
        try (RawClient client = RawClient.open(server.port(), "/echo?id=" + id)) {
            client.sendClose(Hex.concat(codeBytes(code), "bye".getBytes(StandardCharsets.UTF_8)));
            assertEquals(Hex.of(Hex.concat(Hex.bytes("88 02"), codeBytes(code))), Hex.of(client.readFrameBytes()));
            client.expectEndOfStream();
        }
        assertEquals(new CloseFrame(code, "bye"), ECHO.awaitEnding(id));
        assertEquals(1, ECHO.closeCalls(id));
    }

    /** RFC 6455 7.4: codes that may not appear on the wire fail the connection with 1002. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void invalidCode_is1002(int code) throws Exception {
        String id = "invalid-" + code;
        try (RawClient client = RawClient.open(server.port(), "/echo?id=" + id)) {
            client.sendClose(codeBytes(code));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
        assertEquals(CloseCodes.PROTOCOL_ERROR, ECHO.awaitEnding(id).code());
    }

    /** RFC 6455 5.5.1: no body means no status; the reply has none either. */
    @Test
    void emptyClose_isAnsweredWithAnEmptyClose() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo?id=empty")) {
            client.sendClose(new byte[0]);
            assertEquals("88 00", Hex.of(client.readFrameBytes()));
            client.expectEndOfStream();
        }
        assertEquals(new CloseFrame(CloseCodes.NO_STATUS, ""), ECHO.awaitEnding("empty"));
    }

    @Test
    void oneByteCloseBody_is1002() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendClose(Hex.bytes("03"));
            client.expectClose(CloseCodes.PROTOCOL_ERROR);
        }
    }

    /** RFC 6455 5.5.1: the reason is UTF-8; 8.1 fails the connection with 1007 otherwise. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            lone continuation    | 03 e8 80
            surrogate            | 03 e8 ed a0 80
            truncated            | 03 e8 48 69 f0 9f 98
            """)
    void invalidUtf8Reason_is1007(String description, String body) throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendClose(Hex.bytes(body));
            client.expectClose(CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void longestValidReason_isAccepted() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo?id=long-reason")) {
            client.sendClose(Hex.concat(codeBytes(1000), "€".repeat(41).getBytes(StandardCharsets.UTF_8)));
            assertEquals("88 02 03 e8", Hex.of(client.readFrameBytes()));
            client.expectEndOfStream();
        }
        assertEquals(new CloseFrame(1000, "€".repeat(41)), ECHO.awaitEnding("long-reason"));
    }

    /** A close may come between the fragments of a message (RFC 6455 5.4): the message is abandoned. */
    @Test
    void closeInsideAFragmentedMessage_isEchoed() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.send(false, Opcode.TEXT, "Hel".getBytes(StandardCharsets.US_ASCII));
            client.sendClose(codeBytes(1000));
            assertEquals("88 02 03 e8", Hex.of(client.readFrameBytes()));
            client.expectEndOfStream();
        }
    }

    @Test
    void messagesBeforeTheClose_areAllEchoedFirst() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendText("one").sendText("two").sendClose(codeBytes(1000));
            client.expectText("one");
            client.expectText("two");
            assertEquals("88 02 03 e8", Hex.of(client.readFrameBytes()));
            client.expectEndOfStream();
        }
    }

    /** A connection dropped without a close frame is reported as 1006 (RFC 6455 7.1.5), and only once. */
    @Test
    void droppedConnection_isReportedAbnormal() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo?id=dropped")) {
            client.sendText("Hello");
            client.expectText("Hello");
            client.abort();
        }
        assertEquals(CloseCodes.ABNORMAL, ECHO.awaitEnding("dropped").code());
        assertEquals(1, ECHO.closeCalls("dropped"));
    }

    @Test
    void endOfStreamInsideAFrame_isReportedAbnormal() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo?id=cut")) {
            client.write(Hex.bytes("81 85 37 fa 21"));
            client.shutdownOutput();
            client.expectEndOfStream();
        }
        assertEquals(CloseCodes.ABNORMAL, ECHO.awaitEnding("cut").code());
    }

    private static byte[] codeBytes(int code) {
        return new byte[] {(byte) (code >> 8), (byte) code};
    }
}
