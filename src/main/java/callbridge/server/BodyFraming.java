package callbridge.server;

import callbridge.http.MalformedRequestException;
import callbridge.http.RequestHead;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

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

    /**
     * RFC 9112 7.1: chunks of {@code size-in-hex CRLF data CRLF}, a zero chunk, trailer lines, an empty line.
     * Passed on as sent, except trailer lines (see {@link #copy}).
     */
    record Chunked() implements BodyFraming {
        /** Hex digits only, at most 2^31 - 1: the HttpServer's chunk reader takes no sign or space and sizes in an int. */
        private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9A-Fa-f]{1,8}");

        @Override
        public void copy(InputStream from, OutputStream to) throws IOException {
            while (true) {
                String sizeLine = readLine(from);
                long size = chunkSize(sizeLine);
                writeLine(to, sizeLine);
                if (size == 0) {
                    // Trailer fields are read but not passed on: the HttpServer expects CRLF right after the
                    // last chunk, fails the request on a trailer and then reads the rest as a new request.
                    while (!readLine(from).isEmpty()) {
                        // skipped
                    }
                    writeLine(to, "");
                    return;
                }
                copyExactly(from, to, size);
                if (!readLine(from).isEmpty()) {
                    throw new MalformedRequestException("chunk data longer than its size");
                }
                writeLine(to, "");
            }
        }

        private static long chunkSize(String line) throws MalformedRequestException {
            int extension = line.indexOf(';');
            String hex = extension < 0 ? line : line.substring(0, extension);
            if (!CHUNK_SIZE.matcher(hex).matches()) {
                throw new MalformedRequestException("bad chunk size");
            }
            long size = Long.parseLong(hex, 16);
            if (size > Integer.MAX_VALUE) {
                throw new MalformedRequestException("chunk too large");
            }
            return size;
        }
    }

    static BodyFraming of(RequestHead head) throws MalformedRequestException {
        List<String> transferCodings = head.headerTokens("Transfer-Encoding");
        List<String> lengths = head.headerTokens("Content-Length");
        if (!transferCodings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw new MalformedRequestException("both Transfer-Encoding and Content-Length");
            }
            // RFC 9112 6.3: if chunked is not the final coding the length cannot be known: 400. Codings
            // before it (gzip, chunked) are refused too: the HttpServer cannot decode them, and JDK versions
            // differ in whether they then read a body, which would let the two sides disagree on its end.
            if (transferCodings.size() != 1 || !transferCodings.getFirst().equalsIgnoreCase("chunked")) {
                throw new MalformedRequestException("only Transfer-Encoding: chunked is supported");
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

    /**
     * Reads one chunk line and returns it without its CRLF. Only CRLF ends it (RFC 9112 7.1; the bare-LF
     * leniency of 2.2 covers the head, not chunk lines): the HttpServer's chunk reader ignores a bare LF, so
     * after {@code 5;ext LF} it would see a different chunk boundary than we do and read part of the next
     * request as body.
     */
    private static String readLine(InputStream from) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = from.read();
            if (b < 0 || line.length() > MAX_CHUNK_LINE) {
                throw new MalformedRequestException("bad chunked body");
            }
            if (b == '\r') {
                if (from.read() != '\n') {
                    throw new MalformedRequestException("chunk line not ended by CRLF");
                }
                return line.toString();
            }
            if (b == '\n') {
                throw new MalformedRequestException("chunk line ended by a bare LF");
            }
            line.append((char) b);
        }
    }

    private static void writeLine(OutputStream to, String line) throws IOException {
        to.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
}
