package callbridge.speech;

import java.util.Objects;

/** A speech service failed; the message says why in words a user can act on, the {@link Kind} in one word. */
public final class SpeechException extends Exception {
    /** What went wrong, for counting failures ({@code callbridge_stt_failures_total{kind=...}}); a closed set. */
    public enum Kind {
        /** No answer, or the answer's body stopped flowing, within the request's time. */
        TIMEOUT("timeout"),
        /** The service could not be reached, or the connection broke. */
        CONNECTION("connection"),
        /** HTTP 429: too many requests, or too many at once for the account. */
        RATE_LIMITED("rate_limited"),
        /** Any other 4xx: a rejected key, a request the service would not take. */
        HTTP_4XX("http_4xx"),
        /** The service failed (5xx). */
        HTTP_5XX("http_5xx"),
        /** Anything else: no key configured, an unreadable answer, an interrupted request. */
        OTHER("other");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The metric label value: lower case, stable. */
        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final boolean mayPass;

    public SpeechException(String message) {
        this(message, Kind.OTHER, false, null);
    }

    public SpeechException(String message, Throwable cause) {
        this(message, Kind.OTHER, false, cause);
    }

    /** @param mayPass true for failures another try may get past (429, 5xx, a refused connection) */
    public SpeechException(String message, boolean mayPass, Throwable cause) {
        this(message, Kind.OTHER, mayPass, cause);
    }

    public SpeechException(String message, Kind kind, boolean mayPass, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.mayPass = mayPass;
    }

    /** True when trying again later may succeed. */
    public boolean mayPass() {
        return mayPass;
    }

    public Kind kind() {
        return kind;
    }
}
