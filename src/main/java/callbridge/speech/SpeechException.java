package callbridge.speech;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
    private final boolean retryable;
    /** How long the service asked us to wait before trying again ({@code Retry-After}), when it said. */
    private final Optional<Duration> retryAfter;

    public SpeechException(String message) {
        this(message, Kind.OTHER, false, null);
    }

    public SpeechException(String message, Throwable cause) {
        this(message, Kind.OTHER, false, cause);
    }

    /** @param retryable true for failures another try may get past (429, 5xx, a refused connection) */
    public SpeechException(String message, Kind kind, boolean retryable, Throwable cause) {
        this(message, kind, retryable, Optional.empty(), cause);
    }

    /** @param retryAfter the wait the service asked for before another try ({@code Retry-After}) */
    public SpeechException(String message, Kind kind, boolean retryable, Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryable = retryable;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** True when trying again later may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** The wait the service asked for before another try, when it said ({@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    public Kind kind() {
        return kind;
    }
}
