package callbridge.http;

import callbridge.json.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The answers the front door writes itself: exact bytes on the wire. */
class SimpleResponseTest {

    @Test
    void writeTo_error_isACompleteClosingJsonAnswer() throws Exception {
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\n"
                        + "Content-Type: application/json\r\n"
                        + "Content-Length: 24\r\n"
                        + "Connection: close\r\n"
                        + "\r\n"
                        + "{\"error\":\"head too big\"}",
                written(SimpleResponse.error(431, "Request Header Fields Too Large", "head too big")));
    }

    @Test
    void writeTo_extraHeaders_comeBeforeTheEmptyLine() throws Exception {
        String text = written(SimpleResponse.error(426, "Upgrade Required", "v13 only", Map.of("Sec-WebSocket-Version", "13")));
        String head = text.substring(0, text.indexOf("\r\n\r\n") + 4);
        assertEquals("HTTP/1.1 426 Upgrade Required\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: 20\r\n"
                + "Connection: close\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n", head);
        assertEquals("{\"error\":\"v13 only\"}", text.substring(head.length()));
    }

    @Test
    void writeTo_messageNeedingEscapes_validJsonAndLengthInBytes() throws Exception {
        SimpleResponse response = SimpleResponse.error(400, "Bad Request", "bad \"niño\"\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        response.writeTo(out);
        byte[] all = out.toByteArray();
        String text = new String(all, StandardCharsets.UTF_8);
        String body = text.substring(text.indexOf("\r\n\r\n") + 4);
        assertEquals("bad \"niño\"\n", Json.MAPPER.readTree(body).path("error").asText());
        int declared = Integer.parseInt(text.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        assertEquals(body.getBytes(StandardCharsets.UTF_8).length, declared, "Content-Length counts UTF-8 bytes");
    }

    private static String written(SimpleResponse response) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        response.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
