package callbridge.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson {@link ObjectMapper} (thread-safe once configured) and small JSON helpers. */
public final class Json {
    /** Strict about the end of the text: {@code {...}garbage} is not a JSON document. */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** {@code {"name": "value"}}, escaped properly. */
    public static String object(String name, String value) {
        ObjectNode node = MAPPER.createObjectNode().put(name, value);
        return write(node);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + value.getClass().getName(), e);
        }
    }
}
