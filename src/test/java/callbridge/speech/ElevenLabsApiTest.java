package callbridge.speech;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How ElevenLabs error bodies become the words in an error message. */
class ElevenLabsApiTest {

    static Stream<Arguments> errorBodies() {
        return Stream.of(
                Arguments.of("{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}", "Invalid API key"),
                Arguments.of("{\"detail\":{\"status\":\"x\",\"message\":\"m\"}}", "m"),
                Arguments.of("{\"detail\":\"Not Found\"}", "Not Found"),
                Arguments.of("{\"detail\":[{\"loc\":[\"body\",\"text\"],\"msg\":\"field required\",\"type\":\"value_error.missing\"}]}",
                        "field required"),
                Arguments.of("{\"detail\":[{\"loc\":[\"body\"]}]}", "[{\"loc\":[\"body\"]}]"),          // no msg: the list
                Arguments.of("{\"detail\":{\"status\":\"quota_exceeded\"}}", "{\"detail\":{\"status\":\"quota_exceeded\"}}"),
                Arguments.of("{\"detail\":[]}", "{\"detail\":[]}"),
                Arguments.of("{\"error\":\"rate limited\"}", "{\"error\":\"rate limited\"}"),
                Arguments.of("{\"detail\":{\"message\":\"Clave no válida\"}}", "Clave no válida"),
                Arguments.of("Internal Server Error", "Internal Server Error"),
                Arguments.of("<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>"),
                Arguments.of("  upstream timed out\n", "upstream timed out"),
                Arguments.of("", "(no details)"),
                Arguments.of(" \r\n ", "(no details)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorBodies")
    void errorDetail_showsTheMessageInside(String body, String detail) {
        assertEquals(detail, ElevenLabsApi.errorDetail(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void errorDetail_longBody_isCutAtEightKibibytes() {
        String body = "x".repeat(20_000);
        assertEquals("x".repeat(8 * 1024),
                ElevenLabsApi.errorDetail(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void errorDetail_unreadableBody_saysSo() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertEquals("(error body unreadable: connection reset)", ElevenLabsApi.errorDetail(broken));
    }

    @Test
    void errorDetail_closesTheBody() {
        boolean[] closed = {false};
        InputStream body = new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        ElevenLabsApi.errorDetail(body);
        assertTrue(closed[0]);
    }
}
