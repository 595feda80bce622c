package callbridge.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
        return firstValues(parseAll(encoded));
    }

    /** The first value of each name, in the order the names came. */
    public static Map<String, String> firstValues(Map<String, List<String>> fields) {
        Map<String, String> first = new LinkedHashMap<>();
        fields.forEach((name, values) -> first.put(name, values.getFirst()));
        return first;
    }

    /**
     * Every value of every name, in the order sent: a name may come more than once (Twilio's signature
     * covers each of its values, so a check needs them all).
     *
     * @throws IllegalArgumentException on a malformed {@code %} escape
     */
    public static Map<String, List<String>> parseAll(String encoded) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            fields.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }
        return fields;
    }
}
