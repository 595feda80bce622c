package callbridge.talk;

import java.util.Optional;

/**
 * What the agent under test said in one turn, as callbridge heard it.
 *
 * @param latencyMillis from the end of our playback to the start of the agent's speech; empty for a greeting
 */
record AgentReply(String text, Optional<Long> latencyMillis) {
}
