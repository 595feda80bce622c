/**
 * {@code talk}, the simulator: places a call to a voice agent and plays the user's side turn by turn through
 * a callbridge server's {@code /generate}, then reports. A client of the server's public interface (HTTP) and
 * of Twilio's REST API, as a user's own tool would be: {@link callbridge.talk.AgentCall} is one call's turn
 * loop, {@link callbridge.talk.UserSide} the three sources of the user's lines, {@link callbridge.talk.TalkRun}
 * runs them in parallel, {@link callbridge.talk.TalkReport} writes the JSON. Depends on {@code config},
 * {@code json}, {@code time}, and on {@code twilio} for placing, following and hanging up calls
 * ({@link callbridge.twilio.OutboundCalls}) and the webhook's path; never on the call domain, which is the server's.
 */
package callbridge.talk;
