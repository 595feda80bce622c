package callbridge.http;

import callbridge.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A short, complete HTTP/1.1 response written straight to a socket by the front door, for answers it
 * gives itself (errors, limits) before any handler is involved. It always closes the connection: after
 * a bad request the stream position cannot be trusted.
 */
public record SimpleResponse(int status, String reasonPhrase, Map<String, String> extraHeaders, String jsonBody) {
    /** After an error answer, unread input is drained for up to this long (and this many bytes). */
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final long MAX_LINGER_BYTES = 64 * 1024;

    /** A JSON {@code {"error": message}} answer. */
    public static SimpleResponse error(int status, String reasonPhrase, String message) {
        return error(status, reasonPhrase, message, Map.of());
    }

    public static SimpleResponse error(int status, String reasonPhrase, String message, Map<String, String> extraHeaders) {
        return new SimpleResponse(status, reasonPhrase, Map.copyOf(extraHeaders), Json.object("error", message));
    }

    /** This answer with {@code headers} added, such as the headers every answer of a server carries. */
    public SimpleResponse withHeaders(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return this;
        }
        Map<String, String> all = new LinkedHashMap<>(extraHeaders);
        all.putAll(headers);
        return new SimpleResponse(status, reasonPhrase, Map.copyOf(all), jsonBody);
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

    /**
     * Writes this answer, half-closes, and reads what the client still sends for a moment before closing
     * ({@link Linger}): closing with unread input makes TCP send a reset, which can destroy the answer
     * before it is read. Failures only mean the client is gone; the socket is closed whatever happens.
     */
    public void answerAndClose(Socket socket) {
        try (socket) {
            writeTo(socket.getOutputStream());
            Linger.drain(socket, socket.getInputStream(), LINGER, MAX_LINGER_BYTES);
        } catch (IOException e) {
            // the client went away first: nothing left to tell it
        }
    }
}
