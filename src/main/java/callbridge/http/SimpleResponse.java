package callbridge.http;

import callbridge.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A short, complete HTTP/1.1 response written straight to a socket by the front door, for answers it
 * gives itself (errors, limits) before any handler is involved. It always closes the connection: after
 * a bad request the stream position cannot be trusted.
 */
public record SimpleResponse(int status, String reasonPhrase, Map<String, String> extraHeaders, String jsonBody) {

    /** A JSON {@code {"error": message}} answer. */
    public static SimpleResponse error(int status, String reasonPhrase, String message) {
        return error(status, reasonPhrase, message, Map.of());
    }

    public static SimpleResponse error(int status, String reasonPhrase, String message, Map<String, String> extraHeaders) {
        return new SimpleResponse(status, reasonPhrase, Map.copyOf(extraHeaders), Json.object("error", message));
    }

    public void writeTo(OutputStream out) throws IOException {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        extraHeaders.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }
}
