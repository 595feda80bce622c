/**
 * Speech services: the {@link callbridge.speech.SpeechToText} and {@link callbridge.speech.TextToSpeech}
 * interfaces and their ElevenLabs clients, on {@code java.net.http.HttpClient} with retries, timeouts and
 * errors a user can act on; each failure's {@link callbridge.speech.SpeechException.Kind} is counted by the
 * measuring wrappers {@link callbridge.speech.MeasuredSpeechToText} and
 * {@link callbridge.speech.MeasuredTextToSpeech}. Depends on {@code audio} (turns, WAV), {@code config} (its
 * settings), {@code json}, {@code time} and {@code metrics}.
 */
package callbridge.speech;
