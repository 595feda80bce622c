package callbridge.config;

import java.util.Objects;

/**
 * A credential from the configuration. Its {@code toString} never shows the value, so a secret cannot
 * reach a log line by accident (printing the whole {@link Config} is safe).
 */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "(secret)";
    }
}
