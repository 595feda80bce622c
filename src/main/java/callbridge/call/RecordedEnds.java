package callbridge.call;

import java.util.Optional;

/**
 * How calls that are no longer here ended, as their records say: a call that ended before this process
 * started, or so many calls ago that the {@link CallRegistry} has forgotten it. The one thing the call domain
 * reads from the calls' records; the records implement it. Either may read a disk: ask only about a call
 * that is not live here.
 */
public interface RecordedEnds {
    /** True when the call has a finished record: it ended, maybe before this process started, and stays ended. */
    boolean hasEnded(String callSid);

    /**
     * How the call ended, by its finished record; empty for a call with no finished record, or one whose
     * record cannot be read.
     */
    Optional<CallEnd> recordedEnd(String callSid);
}
