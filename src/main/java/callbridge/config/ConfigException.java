package callbridge.config;

/** A setting is missing or has a value callbridge cannot use; the message names the variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
