/**
 * Twilio: the voice webhook and its TwiML, the binding of each media stream's URL to its call, the
 * media-stream messages (a pure codec), request signatures, the public address Twilio uses, and call
 * control through the Twilio SDK.
 */
package callbridge.twilio;
