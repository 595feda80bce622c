/**
 * The call domain, the live call only: a call's {@link callbridge.call.CallSession} (audio to turns to
 * utterances; our speech out through {@link callbridge.call.Playback}), the {@link callbridge.call.CallRegistry}
 * that starts and ends every call through one path (and keeps the new ones no driver has claimed yet,
 * {@link callbridge.call.UnclaimedCalls}), {@link callbridge.call.CallCompletion} at Twilio, the
 * {@link callbridge.call.TalkTimeoutWatchdog}, and the {@link callbridge.call.Conversation} behind
 * {@code /generate}, whose {@link callbridge.call.TurnResult} says how each turn ended.
 * {@link callbridge.call.CallDirectory} is what {@code /calls} shows of the live calls. Why a call ended is
 * decided once, by its session ({@link callbridge.call.CallSession#whyEnded}).
 *
 * <p>A call is observed, never told how: the {@link callbridge.call.CallObserver} it is set up with hears of
 * it as it starts ({@link callbridge.call.CallStart}) and gives the {@link callbridge.call.CallListener} it
 * then reports everything to; {@link callbridge.call.RecordedEnds} says how a call that is no longer here
 * ended. The composition root plugs the calls' records ({@code callbridge.record}) into both; nothing here
 * knows them. {@link callbridge.call.CallMetrics} is what the domain counts for {@code /metrics}.
 *
 * <p>Depends on {@code audio}, {@code speech}, {@code time}, {@code logging} and {@code metrics} only, and on
 * ports it owns: {@link callbridge.call.MediaStream} (a call's audio out, implemented by {@code twilio}),
 * {@link callbridge.call.CallControl} (hanging up at Twilio), and the observer, listener and recorded ends
 * above (implemented by {@code record}). It knows nothing of WebSockets, HTTP, JSON, the server or records;
 * the adapters plug those in.
 */
package callbridge.call;
