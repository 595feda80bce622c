/**
 * Speech services: the {@link callbridge.speech.SpeechToText} and {@link callbridge.speech.TextToSpeech}
 * interfaces and their ElevenLabs clients, on {@code java.net.http.HttpClient} with retries, timeouts and
 * errors a user can act on. Depends on {@code audio} (turns, WAV), {@code config} (its settings),
 * {@code json} and {@code time}.
 */
package callbridge.speech;
