package callbridge.speech;

/**
 * Speech-to-text that listens as the call goes: each call opens one {@link Session}, sends its audio as it
 * arrives, and asks for a commit when a turn ends; the words come back as partial transcripts while the
 * far end speaks and as one committed transcript per commit, in order. A session that fails (refused,
 * closed, an error from the service, a buffer that overflowed) says so once and does nothing more: the
 * caller then falls back to batch {@link SpeechToText}, so no turn is ever lost to it.
 */
public interface RealtimeSpeechToText {
    /**
     * Opens a session for one call; returns at once, connecting in the background. Events reach
     * {@code listener} on the client's own threads, one at a time, in order.
     *
     * @param label names the session in log lines (the call's CallSid)
     */
    Session open(String label, Listener listener);

    /** What a session hears. Called on the client's threads: each method returns quickly and never blocks. */
    interface Listener {
        /** The service's latest guess at the words since the last commit; replaces the previous one. */
        void onPartial(String text);

        /** The words of one committed segment: one per {@link Session#commit}, in order (possibly empty). */
        void onCommitted(String text);

        /**
         * The session is dead: it will send and hear nothing more. Called at most once, and never after
         * {@link Session#close}.
         *
         * @param kind   the failure, for counting
         * @param detail a sentence for the log
         */
        void onFailed(SpeechException.Kind kind, String detail);
    }

    /** One call's realtime transcription. Safe to use from any thread; no method blocks. */
    interface Session extends AutoCloseable {
        /** Queues 8 kHz mu-law audio to send; false once the session has failed or closed. */
        boolean sendAudio(byte[] mulaw);

        /** Asks for the words since the last commit; false once the session has failed or closed. */
        boolean commit();

        /** Ends the session; nothing more is heard of it. Idempotent. */
        @Override
        void close();
    }
}
