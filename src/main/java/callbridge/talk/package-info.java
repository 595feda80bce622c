/**
 * {@code talk}, the simulator: places a call to a voice agent and plays the user's side turn by turn through
 * a callbridge server's {@code /generate}, then reports. A client of the server's public interface (HTTP
 * and Twilio's REST API), as a user's own tool would be: depends on {@code json}, {@code config}, and on
 * {@code twilio} and {@code call} only for placing and completing calls (and the webhook's path).
 */
package callbridge.talk;
