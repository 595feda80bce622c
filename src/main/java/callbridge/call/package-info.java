/**
 * The call domain: a live call's {@link callbridge.call.CallSession} (audio to turns to utterances; our
 * speech out through {@link callbridge.call.Playback}), the {@link callbridge.call.CallRegistry} that ends
 * every call through one path, {@link callbridge.call.CallCompletion} at Twilio, the
 * {@link callbridge.call.TalkTimeoutWatchdog}, and the {@link callbridge.call.Conversation} behind
 * {@code /generate}, whose {@link callbridge.call.TurnResult} says how each turn ended. Each call's record
 * is noted as it happens by its {@code CallJournal} and kept and written by {@link callbridge.call.CallRecords}
 * (with the stereo {@code CallRecording}); {@link callbridge.call.CallDirectory} is what {@code /calls} reads.
 *
 * <p>{@link callbridge.call.CallMetrics} is what the domain counts for {@code /metrics}.
 *
 * <p>Depends on {@code audio}, {@code speech}, {@code time}, {@code json}, {@code logging} and {@code metrics} only, and on ports it owns:
 * {@link callbridge.call.MediaStream} (a call's audio out, implemented by {@code twilio}) and
 * {@link callbridge.call.CallControl} (hanging up at Twilio). It knows nothing of WebSockets, HTTP or the
 * server; the adapters plug those in.
 */
package callbridge.call;
