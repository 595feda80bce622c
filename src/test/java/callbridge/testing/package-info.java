/**
 * Test support: stand-ins for the outside world that callbridge talks to, driven over real sockets.
 *
 * <p>{@link callbridge.testing.FakeTwilioCall} plays Twilio's side of a media stream: it opens the
 * {@code /media} WebSocket, sends {@code connected} and {@code start}, streams mu-law audio in 20 ms
 * {@code media} frames at real-time pace, and sends {@code dtmf}, {@code mark} echoes and {@code stop}, all
 * in the JSON shapes Twilio documents ({@link callbridge.twilio.TwilioMessages}, and
 * {@link callbridge.testing.TestTwilioMessages} for the key presses and single frames only it sends).
 * Everything the server sends back is kept for the test to await and inspect.
 * {@link callbridge.testing.SpeechClips} loads real Spanish speech (espeak-ng, see
 * {@code src/test/resources/speech/README.md}) to stream into a call.
 *
 * <p>{@link callbridge.testing.TestCallbridge} runs the whole application on a loopback port;
 * {@link callbridge.testing.StandaloneServer} runs the server alone, with handlers and WebSocket endpoints a
 * test gives it, and owns the threads its connections share as the application does.
 */
package callbridge.testing;
