/**
 * Configuration: one immutable {@link callbridge.config.Config} record read at start-up from the environment
 * over a {@code .env} file, every value validated with a message that names its variable. Secrets are
 * {@link callbridge.config.Secret}s, which never print their value. Depends on the JDK only: settings name
 * their units themselves, so no capability package is needed to read them.
 */
package callbridge.config;
