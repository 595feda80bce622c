/**
 * JSON: the one Jackson {@code ObjectMapper} and two small helpers, for every package that reads or writes
 * JSON (the Twilio media-stream codec, the ElevenLabs clients, the HTTP answers, {@code talk}). Depends on
 * Jackson only.
 */
package callbridge.json;
