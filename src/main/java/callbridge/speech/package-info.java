/**
 * Speech services: the {@link callbridge.speech.SpeechToText} and {@link callbridge.speech.TextToSpeech}
 * interfaces and their ElevenLabs clients, on {@code java.net.http.HttpClient} with retries, timeouts and
 * errors a user can act on; each failure's {@link callbridge.speech.SpeechException.Kind} is counted by the
 * measuring wrappers {@link callbridge.speech.MeasuredSpeechToText} and
 * {@link callbridge.speech.MeasuredTextToSpeech}. Realtime speech-to-text ({@link callbridge.speech.RealtimeSpeechToText})
 * runs over the JDK's {@code java.net.http.WebSocket}: {@link callbridge.speech.ElevenLabsRealtimeSpeechToText}
 * opens one session a call, {@link callbridge.speech.ScribeRealtimeMessages} is its pure JSON codec,
 * {@code AudioOutbox} batches and bounds what waits to be sent, {@code SerialListener} calls the listener one
 * event at a time. Speech is audio here, never a call's turn: what is measured about turns is the call
 * domain's. Depends on {@code audio} (WAV, frames), {@code config} (its settings), {@code json}, {@code time},
 * {@code logging} and {@code metrics}.
 */
package callbridge.speech;
