package callbridge.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The status line and header fields of one HTTP/1.1 response (RFC 9112 section 4 and 5), as a client reads
 * them: what a WebSocket client needs to check the server's answer to its upgrade.
 *
 * @param status  e.g. 101
 * @param reason  e.g. {@code Switching Protocols}; may be empty
 * @param headers field values by lower-case name, in arrival order
 */
public record ResponseHead(int status, String reason, Map<String, List<String>> headers) {
    public ResponseHead {
        headers = Map.copyOf(headers);
    }

    /** Parses a complete head: status line, {@code name: value} lines, an empty line (CRLF or bare LF). */
    public static ResponseHead parse(byte[] raw) throws java.net.ProtocolException {
        List<String> lines = List.of(new String(raw, StandardCharsets.ISO_8859_1).split("\\r?\\n"));
        if (lines.isEmpty()) {
            throw new java.net.ProtocolException("empty response");
        }
        // RFC 9112 4: HTTP-version SP status-code SP [reason-phrase]
        String[] statusLine = lines.getFirst().split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].matches("HTTP/\\d\\.\\d") || !statusLine[1].matches("\\d{3}")) {
            throw new java.net.ProtocolException("malformed status line: " + lines.getFirst());
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new java.net.ProtocolException("malformed header line: " + line);
            }
            headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        return new ResponseHead(Integer.parseInt(statusLine[1]), statusLine.length == 3 ? statusLine[2] : "", headers);
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** Whether a comma-separated header holds {@code token}, compared case-insensitively (RFC 9110 5.6.1). */
    public boolean hasToken(String name, String token) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream()
                .flatMap(value -> List.of(value.split(",")).stream())
                .anyMatch(value -> value.strip().equalsIgnoreCase(token));
    }
}
