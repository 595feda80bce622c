/**
 * {@code emulate}: a local Twilio, a client of the server's public interface as a user's own tool would be.
 * For each call {@link callbridge.emulate.CallStarter} posts the voice webhook (signed when
 * {@code TWILIO_AUTH_TOKEN} is set), reads the TwiML, opens the stream it names and sends {@code connected}
 * and {@code start}; then one {@link callbridge.emulate.Pacer} thread sends every call's 20 ms frames
 * ({@link callbridge.emulate.CallAudio}) and each call's reader thread plays what the server says through a
 * {@link callbridge.twilio.PlaybackBuffer} that echoes marks when playback would reach them.
 * {@link callbridge.emulate.LoadRun} starts calls over the ramp and counts them;
 * {@link callbridge.emulate.Health} says how late the generator itself sent frames.
 */
package callbridge.emulate;
