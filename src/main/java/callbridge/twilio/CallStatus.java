package callbridge.twilio;

import java.util.Locale;

/**
 * A call's status as Twilio reports it (the {@code Status} of the Call resource). A call moves from
 * {@code queued} through {@code ringing} to {@code in-progress}, and ends in one of the final ones.
 */
public enum CallStatus {
    QUEUED, RINGING, IN_PROGRESS, COMPLETED, BUSY, FAILED, NO_ANSWER, CANCELED;

    /** The wire spelling, as Twilio writes it: {@code in-progress}, {@code no-answer}... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True once the call is over; it will not change again. */
    public boolean isFinal() {
        return switch (this) {
            case QUEUED, RINGING, IN_PROGRESS -> false;
            case COMPLETED, BUSY, FAILED, NO_ANSWER, CANCELED -> true;
        };
    }

    /** True for a call that ended without ever being answered. */
    public boolean neverAnswered() {
        return this == BUSY || this == FAILED || this == NO_ANSWER || this == CANCELED;
    }

    static CallStatus fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
