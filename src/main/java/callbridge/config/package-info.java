/**
 * Configuration: one immutable {@link callbridge.config.Config} record read at start-up from the environment
 * over a {@code .env} file, every value validated with a message that names its variable. Secrets are
 * {@link callbridge.config.Secret}s, which never print their value. {@link callbridge.config.PlainValues}
 * is how a number or a yes-or-no is spelled anywhere callbridge reads one (settings, query parameters, flags);
 * {@link callbridge.config.Flags} reads the {@code talk} and {@code emulate} commands' flags, and a mistake in
 * them is a {@link callbridge.config.UsageException}. Depends on the JDK only: settings name their units
 * themselves, so no capability package is needed to read them.
 */
package callbridge.config;
