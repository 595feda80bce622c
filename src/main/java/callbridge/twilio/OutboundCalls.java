package callbridge.twilio;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * Places calls and follows them, for a client that dials out (the {@code talk} simulator). A failure is an
 * {@link IOException} saying what Twilio answered, or that it could not be reached.
 */
public interface OutboundCalls {
    /**
     * Asks Twilio to dial {@code to} from {@code from} and to fetch the call's instructions from {@code webhook}.
     *
     * @param record ask Twilio to record the call
     * @return the new call's SID
     */
    String place(String to, String from, URI webhook, boolean record) throws IOException;

    /** The call's status now. */
    CallStatus status(String callSid) throws IOException;

    /** Hangs the call up (status {@code completed}); a call that has already ended counts as done. */
    void hangUp(String callSid) throws IOException;

    /**
     * Presses {@code digits} on the caller's keypad, one key after another as a phone would: each reaches the
     * called party's media stream as a {@code dtmf} message. Only a carrier that plays Twilio to the agent can:
     * Twilio's REST API cannot send keys into a live {@code <Connect><Stream>} call without ending the stream
     * (its {@code <Play digits>} replaces the call's TwiML), so by default this refuses.
     *
     * @param digits keys of {@code 0-9 * # A-D}
     * @throws IOException when the call is over, or this carrier cannot press keys
     */
    default void pressKeys(String callSid, String digits) throws IOException, InterruptedException {
        throw new IOException("keys cannot be pressed on a call through Twilio: its API would end the agent's media stream");
    }

    /**
     * Why the call ended, when the carrier knows more than its status: the local carrier says which party
     * hung up or broke which rule. Twilio's API tells only the status, so empty there, and while the call lasts.
     */
    default Optional<String> endedBecause(String callSid) {
        return Optional.empty();
    }
}
