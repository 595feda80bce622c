package callbridge.talk;

/**
 * How a conversation ended: the outcome, and a sentence for people ({@code detail}).
 */
record Ending(Outcome outcome, String detail) {
    /** The closed set of ways a conversation ends; {@link #finished()} says which count as success. */
    enum Outcome {
        /** The user side said it was done. */
        USER_DONE,
        /** {@code --max-turns} user lines were said and answered. */
        MAX_TURNS,
        /** The agent's end hung up (or the call ended at Twilio) before the user was done. */
        HUNG_UP,
        /** Nobody answered: Twilio says busy, no-answer, failed or canceled. */
        NOT_ANSWERED,
        /** The agent said nothing within {@code --turn-timeout}. */
        TIMEOUT,
        /** SIGINT or SIGTERM. */
        INTERRUPTED,
        /** Something failed: Twilio refused the call, the server went away, the user side failed. */
        ERROR;

        boolean finished() {
            return this == USER_DONE || this == MAX_TURNS;
        }

        /** The name written in reports: {@code user_done}, {@code hung_up}... */
        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
