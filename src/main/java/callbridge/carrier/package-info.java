/**
 * A local carrier: a phone network on this machine that places {@code talk}'s calls to a voice agent speaking
 * Twilio's protocol, without Twilio ({@code talk --local-agent URL}). {@link callbridge.carrier.LocalCarrier}
 * places calls as {@link callbridge.twilio.OutboundCalls} does at Twilio; {@code Dialer} answers each party
 * as Twilio does (webhook, TwiML, media stream); {@code LocalCall} bridges the two streams and ends them
 * together; {@code Direction} plays one party's audio to the other at real time, with Twilio's marks and
 * clears ({@link callbridge.twilio.PlaybackBuffer}).
 *
 * <p>A client of Twilio's protocol, as {@code talk} and {@code emulate} are: depends on {@code twilio} (the
 * messages, the TwiML reader, the signature, the playback model), {@code websocket} (the client end),
 * {@code audio}, {@code config}, {@code json} and {@code logging}; never on {@code call}, which it reaches
 * only through the server's public interface. {@code talk} may use it; the composition root wires it.
 */
package callbridge.carrier;
