/**
 * Logging helpers. The server logs through {@link java.lang.System.Logger}, one line per event; what a
 * client can make it log over and over goes through {@link callbridge.logging.RateLimitedLog}, so nobody can
 * flood the log without credentials, and every value a client chose goes through {@link callbridge.logging.LogText#quote},
 * so it can neither forge a line nor make one long. {@link callbridge.logging.LogLevels} applies {@code LOG_LEVEL}. Depends on
 * the JDK only; any package may use it.
 */
package callbridge.logging;
