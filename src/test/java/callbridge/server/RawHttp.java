package callbridge.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A test client that speaks HTTP/1.1 by hand over one loopback socket: it writes exactly the bytes a test
 * gives it and reads answers strictly (CRLF lines, Content-Length or chunked bodies), so a test sees what
 * the server really sent. Every read has a timeout, so a server that never answers fails the test instead
 * of hanging the suite.
 */
final class RawHttp implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawHttp connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        return new RawHttp(socket);
    }

    Socket socket() {
        return socket;
    }

    /** Changes how long each read may wait (a test that expects an answer soon fails sooner). */
    RawHttp readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next response, 1xx interim responses included. */
    Response readResponse() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        Response head = new Response(status, headers, new byte[0]);
        byte[] body;
        if (status / 100 == 1 || status == 204 || status == 304) {
            body = new byte[0];
        } else if (head.header("Transfer-Encoding").filter("chunked"::equalsIgnoreCase).isPresent()) {
            body = readChunked();
        } else if (head.header("Content-Length").isPresent()) {
            body = in.readNBytes(Integer.parseInt(head.header("Content-Length").get()));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, body);
    }

    /** The next response that is not an interim 1xx one. */
    Response readFinalResponse() throws IOException {
        Response response = readResponse();
        while (response.status() / 100 == 1) {
            response = readResponse();
        }
        return response;
    }

    /**
     * Waits until the server closes the connection and returns true, or returns false when the socket stays
     * open for {@code wait}. A reset counts as closed. Any bytes that arrive first are skipped.
     */
    boolean closedWithin(Duration wait) throws IOException {
        int saved = socket.getSoTimeout();
        socket.setSoTimeout((int) wait.toMillis());
        try {
            while (in.read() >= 0) {
                // skip whatever is still sent
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // connection reset
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(saved);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int extension = sizeLine.indexOf(';');
            int size = Integer.parseInt(extension < 0 ? sizeLine : sizeLine.substring(0, extension), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            if (!readLine().isEmpty()) {
                throw new IOException("chunk longer than its size");
            }
        }
    }

    /** One line that must end in CRLF, without it. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after '" + line + "'");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("CR without LF after '" + line + "'");
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    /** A response as read off the wire; header names in lower case. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? Optional.empty() : Optional.of(values.getFirst());
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + bodyText();
        }
    }
}
