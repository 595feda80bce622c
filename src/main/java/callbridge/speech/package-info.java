/**
 * Speech services: the {@link callbridge.speech.SpeechToText} and {@link callbridge.speech.TextToSpeech}
 * interfaces and their ElevenLabs clients, on {@code java.net.http.HttpClient} with retries, timeouts and
 * errors a user can act on.
 */
package callbridge.speech;
