package callbridge.emulate;

import callbridge.config.UsageException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * Whether a server answers at {@code --server} before any call is made, and what to say when it does not.
 * Without the check a newcomer who forgot to start the server got a line per call reading
 * {@code FAILED: java.net.ConnectException}: the JDK's connection errors carry no message of their own.
 */
final class ServerProbe {
    /** Asked first: any answer, whatever its status, means something listens there. */
    static final String HEALTH_PATH = "/health";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ServerProbe() {
    }

    /** @throws UsageException saying which URL could not be reached, why, and that the server must be running */
    static void check(HttpClient http, URI server) throws UsageException, InterruptedException {
        URI health = URI.create(server.getScheme() + "://" + server.getRawAuthority() + HEALTH_PATH);
        try {
            http.send(HttpRequest.newBuilder(health).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UsageException("cannot reach the server at " + server + ": " + explain(e) + ". The callbridge server"
                    + " must be running there (start it with ./run.sh in another terminal), or point --server at it");
        }
    }

    /** An I/O failure talking to the server, in words: the JDK leaves some of them without a message. */
    static String explain(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no answer to connecting within " + TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof ConnectException) {
                return "connection refused (nothing listens on that port)";
            }
            if (cause instanceof UnresolvedAddressException || cause instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            cause = cause.getCause();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
