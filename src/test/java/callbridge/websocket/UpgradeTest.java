package callbridge.websocket;


import callbridge.testing.StandaloneServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The opening handshake on the public port, over a raw socket against a real server (RFC 6455 4.2). */
class UpgradeTest {
    @AutoClose
    private static final StandaloneServer server = TestServers.serving(Map.of("/echo", new EchoEndpoint()), Duration.ofSeconds(10));

    @Test
    void upgrade_validRequest_is101WithTheRfcAcceptKeyThenEchoes() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo")) {
            client.sendText("Hello");
            assertEquals("81 05 48 65 6c 6c 6f", Hex.of(client.readFrameBytes()));
        }
    }

    /** Frames sent in the same packet as the request must not be lost in the front door's read buffer. */
    @Test
    void upgrade_framesRightBehindTheRequest_areServed() throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            client.write(Hex.concat(RawClient.request("GET", "/echo?x=1", RawClient.UPGRADE_HEADERS),
                    Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"), Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58")));
            assertEquals(RawClient.SWITCHING_PROTOCOLS, client.readHead());
            assertEquals("81 05 48 65 6c 6c 6f", Hex.of(client.readFrameBytes()));
            assertEquals("81 05 48 65 6c 6c 6f", Hex.of(client.readFrameBytes()));
        }
    }

    /**
     * A line of the valid upgrade changed or (with "-") left out, and the HTTP answer. RFC 6455 4.2.1 asks
     * for 400 on a malformed upgrade; 4.4 for 426 with the supported version on another version.
     */
    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            Sec-WebSocket-Key: %KEY%   | -                                  | 400
            Sec-WebSocket-Key: %KEY%   | Sec-WebSocket-Key: tooshort        | 400
            Sec-WebSocket-Key: %KEY%   | Sec-WebSocket-Key: !!!!            | 400
            Upgrade: websocket         | Upgrade: h2c                       | 400
            Connection: Upgrade        | -                                  | 400
            Connection: Upgrade        | Connection: close                  | 400
            Sec-WebSocket-Version: 13  | Sec-WebSocket-Version: 8           | 426
            Sec-WebSocket-Version: 13  | -                                  | 426
            """)
    void upgrade_brokenRequest_isAnsweredAndClosed(String original, String replacement, int status) throws Exception {
        List<String> lines = new ArrayList<>(RawClient.UPGRADE_HEADERS);
        int at = lines.indexOf(original.replace("%KEY%", RawClient.RFC_KEY));
        if (replacement == null) {
            lines.remove(at);
        } else {
            lines.set(at, replacement);
        }
        RawClient.HttpAnswer answer = answer("GET", "/echo", lines);
        assertEquals(status, answer.status(), answer::toString);
        if (status == 426) {
            assertEquals("13", answer.headers().get("sec-websocket-version"), answer::toString);
        }
        assertTrue(answer.body().startsWith("{\"error\""), answer::toString);
    }

    /** Without an Upgrade header the /echo path is still the WebSocket endpoint's, and it wants an upgrade. */
    @Test
    void upgrade_missingUpgradeHeader_is400() throws Exception {
        List<String> lines = RawClient.UPGRADE_HEADERS.stream().filter(line -> !line.startsWith("Upgrade:")).toList();
        assertEquals(400, answer("GET", "/echo", lines).status());
    }

    /** RFC 6455 4.2.1 (2): the handshake carries Host; RFC 9112 3.2: an HTTP/1.1 request without one is a 400. */
    @Test
    void upgrade_withoutHost_is400() throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            client.write(("GET /echo HTTP/1.1\r\n" + String.join("\r\n", RawClient.UPGRADE_HEADERS) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(400, client.readHttpAnswer().status());
            client.expectEndOfStream();
        }
    }

    @Test
    void upgrade_post_is405AllowingGet() throws Exception {
        RawClient.HttpAnswer answer = answer("POST", "/echo", RawClient.UPGRADE_HEADERS);
        assertEquals(405, answer.status(), answer::toString);
        assertEquals("GET", answer.headers().get("allow"));
    }

    @Test
    void upgrade_toAPathWithoutEndpoint_is404() throws Exception {
        for (String path : List.of("/nowhere", "/echo/", "/ECHO")) {
            RawClient.HttpAnswer answer = answer("GET", path, RawClient.UPGRADE_HEADERS);
            assertEquals(404, answer.status(), path + ": " + answer);
        }
    }

    /** The query string is not part of the path the endpoint is found by. */
    @Test
    void upgrade_withQueryString_findsTheEndpoint() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/echo?id=query&x=%20")) {
            client.sendText("q");
            client.expectText("q");
        }
    }

    /** Sends one request and reads the whole answer; the server must close the connection after it. */
    private static RawClient.HttpAnswer answer(String method, String target, List<String> lines) throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            client.write(RawClient.request(method, target, lines));
            RawClient.HttpAnswer answer = client.readHttpAnswer();
            assertEquals("close", answer.headers().get("connection"));
            client.expectEndOfStream();
            return answer;
        }
    }
}
