package callbridge.server;

import callbridge.http.MalformedRequestException;
import callbridge.http.RequestHead;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How far a request body reaches (RFC 9112 section 6), so the relay can copy exactly the body and then
 * read the next request head on a keep-alive connection. A request with both Content-Length and
 * Transfer-Encoding, or with a Content-Length that is not one number, is refused: these are the
 * ambiguities request smuggling lives on.
 */
sealed interface BodyFraming {
    int MAX_CHUNK_LINE = 4096;

    /** Copies the body from the client to the backend, byte for byte. */
    void copy(InputStream from, OutputStream to) throws IOException;

    /** No body (RFC 9112 6.3: a request without either header has none). */
    record None() implements BodyFraming {
        @Override
        public void copy(InputStream from, OutputStream to) {
        }
    }

    /** Exactly {@code length} bytes. */
    record Fixed(long length) implements BodyFraming {
        @Override
        public void copy(InputStream from, OutputStream to) throws IOException {
            copyExactly(from, to, length);
        }
    }

    /** RFC 9112 7.1: chunks of {@code size-in-hex CRLF data CRLF}, a zero chunk, trailer lines, an empty line. */
    record Chunked() implements BodyFraming {
        @Override
        public void copy(InputStream from, OutputStream to) throws IOException {
            while (true) {
                String sizeLine = copyLine(from, to);
                long size = chunkSize(sizeLine);
                if (size == 0) {
                    while (!copyLine(from, to).isEmpty()) {
                        // trailer fields, passed on as they are
                    }
                    return;
                }
                copyExactly(from, to, size);
                if (!copyLine(from, to).isEmpty()) {
                    throw new MalformedRequestException("chunk data longer than its size");
                }
            }
        }

        private static long chunkSize(String line) throws MalformedRequestException {
            int extension = line.indexOf(';');
            String hex = (extension < 0 ? line : line.substring(0, extension)).strip();
            if (hex.isEmpty() || hex.length() > 15) {
                throw new MalformedRequestException("bad chunk size");
            }
            try {
                return Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new MalformedRequestException("bad chunk size");
            }
        }
    }

    static BodyFraming of(RequestHead head) throws MalformedRequestException {
        List<String> transferCodings = head.headerTokens("Transfer-Encoding");
        List<String> lengths = head.headerTokens("Content-Length");
        if (!transferCodings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw new MalformedRequestException("both Transfer-Encoding and Content-Length");
            }
            // RFC 9112 6.3: if chunked is not the final coding the length cannot be known: 400.
            if (!transferCodings.getLast().equalsIgnoreCase("chunked")) {
                throw new MalformedRequestException("Transfer-Encoding must end with chunked");
            }
            return new Chunked();
        }
        if (lengths.isEmpty()) {
            return new None();
        }
        if (lengths.stream().distinct().count() != 1 || !lengths.getFirst().matches("\\d{1,18}")) {
            throw new MalformedRequestException("bad Content-Length");
        }
        long length = Long.parseLong(lengths.getFirst());
        return length == 0 ? new None() : new Fixed(length);
    }

    private static void copyExactly(InputStream from, OutputStream to, long count) throws IOException {
        byte[] buffer = new byte[8192];
        long left = count;
        while (left > 0) {
            int n = from.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new MalformedRequestException("connection closed inside the request body");
            }
            to.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Copies one CRLF-terminated line and returns it without the line break. */
    private static String copyLine(InputStream from, OutputStream to) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = from.read()) != '\n') {
            if (b < 0 || line.length() > MAX_CHUNK_LINE) {
                throw new MalformedRequestException("bad chunked body");
            }
            to.write(b);
            if (b != '\r') {
                line.append((char) b);
            }
        }
        to.write(b);
        return line.toString();
    }
}
