/**
 * Time as the code waits on it: a {@link callbridge.time.Deadline} for a whole operation, a
 * {@link callbridge.time.Sleeper} that tests replace so that waits follow a clock they move, and
 * {@link callbridge.time.Retry}, the one retry-with-back-off loop, with {@link callbridge.time.RetryAfter}
 * reading how long a service asked it to wait. Depends on the JDK only; any package may use it.
 */
package callbridge.time;
