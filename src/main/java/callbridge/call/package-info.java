/**
 * Live calls. {@link callbridge.call.MediaStreamEndpoint} turns a media stream into a
 * {@link callbridge.call.CallSession} (audio to turns to utterances; our speech out through
 * {@link callbridge.call.Playback}); {@link callbridge.call.SessionManager} keeps the sessions and ends every
 * call through one path; {@link callbridge.call.GenerateHandler} is {@code GET /generate}.
 */
package callbridge.call;
