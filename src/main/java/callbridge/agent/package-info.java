/**
 * {@code emulate agent}: a tiny example voice agent, so {@code talk --local-agent} can be tried on a fresh
 * clone. It is what a Twilio-compatible agent looks like at its smallest, not a product: its webhook
 * ({@link callbridge.agent.ExampleAgent}) answers TwiML {@code <Connect><Stream>}; on the stream each call
 * ({@link callbridge.agent.AgentCall}) speaks a greeting, then one line a caller turn (the turn's end found by
 * the WebRTC VAD, as the server finds it), sends a mark after each line, and hangs up after its last one.
 * It serves both on one port with the server's own front door, so it may use {@code server}; it never
 * uses the call domain or the records.
 */
package callbridge.agent;
