/**
 * Everything Twilio: the voice webhook and its TwiML, the binding of each media stream's URL to its call,
 * how Twilio signs its requests ({@link callbridge.twilio.TwilioSignature}) and both checks of that signature
 * ({@link callbridge.twilio.SignatureCheck}), the media-stream messages (pure codecs: the server's side
 * {@link callbridge.twilio.MediaStreamCodec}, and Twilio's side {@link callbridge.twilio.TwilioMessages},
 * which {@code emulate} and the tests' Twilio use),
 * the adapter from a media-stream WebSocket to a call ({@link callbridge.twilio.MediaStreamEndpoint},
 * {@link callbridge.twilio.MediaStreamListener}, {@link callbridge.twilio.TwilioMediaStream}, where a call's
 * end becomes a close code), the public address Twilio uses, and call control through the Twilio SDK.
 *
 * {@link callbridge.twilio.MediaStreamMetrics} counts the media streams' messages for {@code /metrics}.
 *
 * <p>An adapter: depends on {@code call} (which it plugs into), {@code websocket}, {@code http},
 * {@code json}, {@code audio}, {@code config}, {@code logging} and {@code metrics}; never on {@code server},
 * which uses it: the paths Twilio calls are defined here ({@link callbridge.twilio.TwilioPaths}).
 */
package callbridge.twilio;
