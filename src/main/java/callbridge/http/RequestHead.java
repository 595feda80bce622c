package callbridge.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The request line and header fields of one HTTP/1.1 request (RFC 9112 section 2-5), plus the exact
 * bytes they arrived as, so a relay can pass them on untouched.
 *
 * @param method  e.g. {@code GET}
 * @param target  the request target as sent, e.g. {@code /generate?sid=CA1}
 * @param version e.g. {@code HTTP/1.1}
 * @param headers field values by lower-case name, in arrival order
 * @param raw     the head's bytes, ending with the empty line
 */
public record RequestHead(String method, String target, String version, Map<String, List<String>> headers,
                          byte[] raw) {
    public RequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(raw, "raw");
    }

    /**
     * Parses a complete head (RFC 9112): request line, then {@code name: value} lines, then an empty line.
     * Lines may end in CRLF or a bare LF (RFC 9112 2.2 allows accepting both); empty lines before the
     * request line are skipped. Folded lines, whitespace before the colon and bare CRs are rejected
     * (RFC 9112 5.1, 5.2, 2.2): all have been used to smuggle requests past proxies.
     */
    public static RequestHead parse(byte[] raw) throws MalformedRequestException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        // RFC 9112 2.2 and RFC 9110 5.5: a CR that does not end a line, or a NUL, is invalid. The HttpServer
        // behind the relay ends a header line at a bare CR, so "X: a<CR>Content-Length: 5" would be one
        // header to us and two to it: the request's length would differ between the two.
        if (text.replace("\r\n", "\n").indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
            throw new MalformedRequestException("bare CR or NUL in the request head");
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\\r?\\n", -1)));
        while (!lines.isEmpty() && lines.getFirst().isEmpty()) {
            lines.removeFirst();
        }
        if (lines.isEmpty()) {
            throw new MalformedRequestException("empty request");
        }
        String[] requestLine = lines.removeFirst().split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()
                || !requestLine[2].matches("HTTP/\\d\\.\\d")) {
            throw new MalformedRequestException("malformed request line");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue; // the blank line(s) that end the head
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    || Character.isWhitespace(line.charAt(colon - 1))) {
                throw new MalformedRequestException("malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        return new RequestHead(requestLine[0], requestLine[1], requestLine[2], headers, raw);
    }

    /** The target without its query string. */
    public String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The first value of a header field, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** All values of a field, each split at commas (RFC 9110 5.3: a list field may be sent either way). */
    public List<String> headerTokens(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::strip)
                .filter(token -> !token.isEmpty())
                .toList();
    }

    /** True when a list field holds the token, compared case-insensitively (as for Connection and Upgrade). */
    public boolean hasToken(String name, String token) {
        return headerTokens(name).stream().anyMatch(token::equalsIgnoreCase);
    }
}
