package callbridge.twilio;

import callbridge.call.CallControl;
import callbridge.call.CallControlException;

import java.net.URI;

/** Places calls and follows them, for a client that dials out (the {@code talk} simulator). */
public interface OutboundCalls extends CallControl {
    /**
     * Asks Twilio to dial {@code to} from {@code from} and to fetch the call's instructions from {@code webhook}.
     *
     * @param record ask Twilio to record the call
     * @return the new call's SID
     */
    String place(String to, String from, URI webhook, boolean record) throws CallControlException;

    /** The call's status now. */
    CallStatus status(String callSid) throws CallControlException;
}
