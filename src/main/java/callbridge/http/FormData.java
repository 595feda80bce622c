package callbridge.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** application/x-www-form-urlencoded, as in a POST body or a query string: {@code a=1&b=x+y}. */
public final class FormData {
    private FormData() {
    }

    /**
     * Decodes names and values ({@code +} is a space, {@code %XX} a byte of UTF-8); the first value of a
     * repeated name wins.
     *
     * @throws IllegalArgumentException on a malformed {@code %} escape
     */
    public static Map<String, String> parse(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            fields.putIfAbsent(name, value);
        }
        return fields;
    }
}
